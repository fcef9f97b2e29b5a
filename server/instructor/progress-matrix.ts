import { median, type Cell } from '@/server/grading/compute-grade'
import type { CourseItem } from '@/server/grading/course-items'
import type { CohortProgress, LearnerProgressRow } from '@/server/grading/load-cohort-progress'

// Pure: turns a cohort's graded progress into what the matrix page shows (filters, sort,
// summary row, one page of rows). Unit-tested without a database.

export const MATRIX_PAGE_SIZE = 100
/** A lab step tried this often without passing, or a quiz failed this often, means stuck. */
export const STUCK_LAB_ATTEMPTS = 3
export const STUCK_QUIZ_ATTEMPTS = 2
/** Behind: this many percentage points under the cohort's median completion… */
export const BEHIND_MARGIN = 20
/** …or no activity for this many days while the course is unfinished. */
export const INACTIVE_DAYS = 7

export type MatrixSort = 'name' | 'completion' | 'grade' | 'activity'
export type MatrixFlag = 'all' | 'stuck' | 'behind'

export interface MatrixQuery {
  group: string
  flag: MatrixFlag
  sort: MatrixSort
  dir: 'asc' | 'desc'
  search: string
  page: number
}

export interface MatrixRow {
  userId: string
  name: string
  email: string
  completion: number
  final: number
  lastActivityAt: Date | null
  stuck: boolean
  behind: boolean
  cells: Cell[]
}

export interface ItemSummary {
  /** Share of the shown learners who finished the item, 0–100. */
  completion: number
  medianScore: number | null
}

export interface ProgressMatrix {
  items: CourseItem[]
  groups: { slug: string; title: string }[]
  rows: MatrixRow[]
  summary: ItemSummary[]
  totalLearners: number
  matchingLearners: number
  page: number
  pages: number
  cohortMedianCompletion: number | null
}

export function parseMatrixQuery(params: Record<string, string | string[] | undefined>): MatrixQuery {
  const one = (k: string) => {
    const v = params[k]
    return Array.isArray(v) ? v[0] : v
  }
  const sort = one('sort')
  const flag = one('flag')
  const page = Number.parseInt(one('page') ?? '1', 10)
  return {
    group: one('group') || 'all',
    flag: flag === 'stuck' || flag === 'behind' ? flag : 'all',
    sort: sort === 'completion' || sort === 'grade' || sort === 'activity' ? sort : 'name',
    dir: one('dir') === 'desc' ? 'desc' : 'asc',
    search: (one('q') ?? '').trim().slice(0, 100),
    page: Number.isFinite(page) && page > 0 ? page : 1,
  }
}

export function isStuck(items: readonly CourseItem[], learner: Pick<LearnerProgressRow, 'cells'>): boolean {
  return learner.cells.some((cell, i) => {
    const kind = items[i]?.kind
    if (cell.status !== 'started') return false
    if (kind === 'lab-step') return cell.attempts >= STUCK_LAB_ATTEMPTS
    if (kind === 'quiz') return cell.attempts >= STUCK_QUIZ_ATTEMPTS
    return false
  })
}

export function isBehind(
  learner: Pick<LearnerProgressRow, 'completion' | 'complete' | 'lastActivityAt' | 'joinedAt'>,
  cohortMedian: number | null,
  now: Date,
): boolean {
  if (learner.complete) return false
  if (cohortMedian !== null && learner.completion < cohortMedian - BEHIND_MARGIN) return true
  const since = learner.lastActivityAt ?? learner.joinedAt
  return now.getTime() - since.getTime() > INACTIVE_DAYS * 24 * 3600 * 1000
}

export function buildProgressMatrix(
  progress: CohortProgress,
  query: MatrixQuery,
  now = new Date(),
): ProgressMatrix {
  const groups: { slug: string; title: string }[] = []
  for (const item of progress.items) {
    if (!groups.some((g) => g.slug === item.group)) groups.push({ slug: item.group, title: item.groupTitle })
  }
  const columns = progress.items.flatMap((item, index) =>
    query.group === 'all' || item.group === query.group ? [index] : [],
  )
  const cohortMedian = median(progress.learners.map((l) => l.completion))
  const needle = query.search.toLowerCase()

  let rows: MatrixRow[] = progress.learners.map((l) => ({
    userId: l.userId,
    name: l.name,
    email: l.email,
    completion: l.completion,
    final: l.final,
    lastActivityAt: l.lastActivityAt,
    stuck: isStuck(progress.items, l),
    behind: isBehind(l, cohortMedian, now),
    cells: l.cells,
  }))
  if (needle)
    rows = rows.filter((r) => r.name.toLowerCase().includes(needle) || r.email.toLowerCase().includes(needle))
  if (query.flag === 'stuck') rows = rows.filter((r) => r.stuck)
  if (query.flag === 'behind') rows = rows.filter((r) => r.behind)

  const sign = query.dir === 'desc' ? -1 : 1
  const byName = (a: MatrixRow, b: MatrixRow) =>
    a.name.localeCompare(b.name) || a.email.localeCompare(b.email)
  const key: Record<MatrixSort, (r: MatrixRow) => number> = {
    name: () => 0,
    completion: (r) => r.completion,
    grade: (r) => r.final,
    activity: (r) => r.lastActivityAt?.getTime() ?? 0,
  }
  rows.sort((a, b) => sign * (key[query.sort](a) - key[query.sort](b) || byName(a, b)))

  const summary = columns.map((index): ItemSummary => {
    const cells = rows.map((r) => r.cells[index]!)
    const done = cells.filter((c) => c.status === 'done').length
    const scores = cells.flatMap((c) => (c.score === null ? [] : [c.score]))
    const m = median(scores)
    return {
      completion: rows.length ? Math.round((done / rows.length) * 100) : 0,
      medianScore: m === null ? null : Math.round(m),
    }
  })

  const pages = Math.max(1, Math.ceil(rows.length / MATRIX_PAGE_SIZE))
  const page = Math.min(query.page, pages)
  const shown = rows.slice((page - 1) * MATRIX_PAGE_SIZE, page * MATRIX_PAGE_SIZE)
  return {
    items: columns.map((i) => progress.items[i]!),
    groups,
    rows: shown.map((r) => ({ ...r, cells: columns.map((i) => r.cells[i]!) })),
    summary,
    totalLearners: progress.learners.length,
    matchingLearners: rows.length,
    page,
    pages,
    cohortMedianCompletion: cohortMedian,
  }
}

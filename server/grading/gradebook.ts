import type { CsvValue } from './csv'
import { toCsv } from './csv'
import type { CohortProgress } from './load-cohort-progress'

// Pure: the gradebook's two machine-readable shapes (CSV for people, JSON for pipelines).

export function gradebookCsv(progress: CohortProgress): string {
  const header = [
    'Name',
    'Email',
    'Joined',
    'Last activity',
    'Completion %',
    'Lessons %',
    'Quizzes %',
    'Labs %',
    'Final grade %',
    'Final overridden',
    ...progress.items.map((item) => `${item.shortTitle} ${item.title}`),
  ]
  const rows = progress.learners.map((l): CsvValue[] => [
    l.name,
    l.email,
    l.joinedAt.toISOString().slice(0, 10),
    l.lastActivityAt ? l.lastActivityAt.toISOString() : '',
    l.completion,
    l.categories.lessons,
    l.categories.quizzes,
    l.categories.labs,
    l.final,
    l.finalOverridden ? 'yes' : 'no',
    ...l.cells.map((c) => c.score),
  ])
  return toCsv(header, rows)
}

export function gradebookFileName(progress: CohortProgress, now = new Date()): string {
  const slug =
    progress.cohort.name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'cohort'
  return `gradebook-${slug}-${now.toISOString().slice(0, 10)}.csv`
}

export interface GradebookJson {
  cohort: { id: string; name: string; courseSlug: string }
  policy: { lessonWeight: number; quizWeight: number; labWeight: number; partialCredit: boolean }
  items: { key: string; kind: string; title: string; points?: number; passPercent?: number }[]
  learners: {
    userId: string
    name: string
    email: string
    completion: number
    complete: boolean
    categories: { lessons: number | null; quizzes: number | null; labs: number | null }
    final: number
    finalOverridden: boolean
    items: Record<string, { status: string; score: number | null; attempts: number; overridden: boolean }>
  }[]
}

export function gradebookJson(progress: CohortProgress): GradebookJson {
  return {
    cohort: { id: progress.cohort.id, name: progress.cohort.name, courseSlug: progress.cohort.courseSlug },
    policy: { ...progress.policy },
    items: progress.items.map((i) => ({
      key: i.key,
      kind: i.kind,
      title: i.title,
      points: i.points,
      passPercent: i.passPercent,
    })),
    learners: progress.learners.map((l) => ({
      userId: l.userId,
      name: l.name,
      email: l.email,
      completion: l.completion,
      complete: l.complete,
      categories: l.categories,
      final: l.final,
      finalOverridden: l.finalOverridden,
      items: Object.fromEntries(progress.items.map((item, i) => [item.key, { ...l.cells[i]! }])),
    })),
  }
}

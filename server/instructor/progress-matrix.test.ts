import { describe, expect, it } from 'vitest'
import type { Cell } from '@/server/grading/compute-grade'
import type { CourseItem } from '@/server/grading/course-items'
import type { CohortProgress, LearnerProgressRow } from '@/server/grading/load-cohort-progress'
import { buildProgressMatrix, isBehind, MATRIX_PAGE_SIZE, parseMatrixQuery } from './progress-matrix'

const items: CourseItem[] = [
  {
    key: 'lesson:c/a',
    kind: 'lesson',
    ref: 'c/a',
    title: 'A',
    shortTitle: 'M1.1',
    group: 'm1',
    groupTitle: 'One',
  },
  {
    key: 'quiz:c/m1',
    kind: 'quiz',
    ref: 'c/m1',
    title: 'Quiz',
    shortTitle: 'Q1',
    group: 'm1',
    groupTitle: 'One',
    passPercent: 70,
  },
  {
    key: 'lab:l/s',
    kind: 'lab-step',
    ref: 'l/s',
    title: 'Step',
    shortTitle: 'L1.1',
    group: 'labs',
    groupTitle: 'Labs',
    points: 10,
  },
]
const now = new Date('2026-01-10T00:00:00Z')
const cell = (status: Cell['status'], score: number | null, attempts = 0): Cell => ({
  status,
  score,
  attempts,
  overridden: false,
})

function learner(n: number, cells: Cell[], lastActivityAt: Date | null = now): LearnerProgressRow {
  const done = cells.filter((c) => c.status === 'done').length
  return {
    userId: `u${n}`,
    name: `Learner ${String(n).padStart(3, '0')}`,
    email: `l${n}@x.test`,
    joinedAt: new Date('2026-01-01T00:00:00Z'),
    lastActivityAt,
    cells,
    categories: { lessons: null, quizzes: null, labs: null },
    final: done * 10,
    finalOverridden: false,
    completion: Math.round((done / cells.length) * 100),
    complete: done === cells.length,
  }
}

function cohort(learners: LearnerProgressRow[]): CohortProgress {
  return {
    cohort: { id: 'c', name: 'C', courseSlug: 'c', createdAt: now, archivedAt: null },
    courseTitle: 'C',
    items,
    policy: { lessonWeight: 10, quizWeight: 40, labWeight: 50, partialCredit: true },
    learners,
    labProblems: [],
  }
}

describe('buildProgressMatrix', () => {
  it('parses queries defensively', () => {
    expect(parseMatrixQuery({ sort: 'evil', flag: 'x', page: '-3', dir: 'up' })).toEqual({
      group: 'all',
      flag: 'all',
      sort: 'name',
      dir: 'asc',
      search: '',
      page: 1,
    })
    expect(
      parseMatrixQuery({ sort: 'grade', dir: 'desc', flag: 'stuck', q: ' ada ', page: '2', group: 'labs' }),
    ).toMatchObject({ sort: 'grade', dir: 'desc', flag: 'stuck', search: 'ada', page: 2, group: 'labs' })
  })

  it('flags stuck and behind learners, filters, sorts and summarises per item', () => {
    const all = [
      learner(1, [cell('done', 100), cell('done', 90, 1), cell('done', 100, 2)]),
      learner(2, [cell('done', 100), cell('done', 80, 1), cell('started', 0, 4)]),
      learner(3, [cell('done', 100), cell('started', 40, 2), cell('none', null)]),
      learner(
        4,
        [cell('none', null), cell('none', null), cell('none', null)],
        new Date('2025-12-01T00:00:00Z'),
      ),
    ]
    const m = buildProgressMatrix(cohort(all), parseMatrixQuery({}), now)
    expect(m.rows.map((r) => [r.name, r.stuck, r.behind])).toEqual([
      ['Learner 001', false, false],
      ['Learner 002', true, false],
      ['Learner 003', true, false],
      ['Learner 004', false, true],
    ])
    expect(m.summary).toEqual([
      { completion: 75, medianScore: 100 },
      { completion: 50, medianScore: 80 },
      { completion: 25, medianScore: 50 },
    ])
    const stuck = buildProgressMatrix(
      cohort(all),
      parseMatrixQuery({ flag: 'stuck', sort: 'grade', dir: 'desc' }),
      now,
    )
    expect(stuck.rows.map((r) => r.name)).toEqual(['Learner 002', 'Learner 003'])
    const quizzes = buildProgressMatrix(cohort(all), parseMatrixQuery({ group: 'm1', q: '00' }), now)
    expect(quizzes.items.map((i) => i.key)).toEqual(['lesson:c/a', 'quiz:c/m1'])
    expect(quizzes.rows[0]!.cells).toHaveLength(2)
  })

  it('pages rows but summarises every matching learner', () => {
    const many = Array.from({ length: MATRIX_PAGE_SIZE + 5 }, (_, i) =>
      learner(i, [cell('done', 100), cell('none', null), cell('none', null)]),
    )
    const m = buildProgressMatrix(cohort(many), parseMatrixQuery({ page: '2' }), now)
    expect(m).toMatchObject({ page: 2, pages: 2, matchingLearners: MATRIX_PAGE_SIZE + 5 })
    expect(m.rows).toHaveLength(5)
    expect(m.summary[0]).toEqual({ completion: 100, medianScore: 100 })
    expect(buildProgressMatrix(cohort(many), parseMatrixQuery({ page: '9' }), now).page).toBe(2)
  })

  it('calls a learner behind when far under the median or idle for a week', () => {
    const base = { completion: 50, complete: false, joinedAt: new Date('2026-01-01T00:00:00Z') }
    expect(isBehind({ ...base, lastActivityAt: now }, 60, now)).toBe(false)
    expect(isBehind({ ...base, lastActivityAt: now }, 71, now)).toBe(true)
    expect(isBehind({ ...base, lastActivityAt: new Date('2026-01-02T00:00:00Z') }, 50, now)).toBe(true)
    expect(isBehind({ ...base, complete: true, lastActivityAt: null }, 100, now)).toBe(false)
  })
})

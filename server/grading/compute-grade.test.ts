import { describe, expect, it } from 'vitest'
import { computeGrade, DEFAULT_POLICY, median, type LearnerProgress } from './compute-grade'
import { listCourseItems, type GradedCourse } from './course-items'

const course: GradedCourse = {
  slug: 'c',
  title: 'Course',
  modules: [
    {
      slug: 'm1',
      title: 'One',
      order: 1,
      lessons: [
        { key: 'c/a', title: 'A' },
        { key: 'c/b', title: 'B' },
      ],
      quiz: { key: 'c/m1', passPercent: 70, questions: [1, 2, 3, 4] },
    },
    {
      slug: 'm2',
      title: 'Two',
      order: 2,
      lessons: [
        { key: 'c/c', title: 'C' },
        { key: 'c/d', title: 'D' },
      ],
      quiz: { key: 'c/m2', passPercent: 70, questions: [1, 2] },
    },
  ],
}
const labs = [
  {
    slug: 'ha-setup',
    title: 'HA',
    totalPoints: 40,
    steps: [
      { id: 's1', title: 'S1', points: 10 },
      { id: 's2', title: 'S2', points: 30 },
    ],
  },
]

function progress(p: Partial<LearnerProgress> = {}): LearnerProgress {
  return { lessons: new Map(), quizzes: new Map(), labSteps: new Map(), overrides: new Map(), ...p }
}

describe('listCourseItems', () => {
  it('lists each module’s lessons then its quiz, then every lab step, with stable keys', () => {
    const items = listCourseItems(course, labs)
    expect(items.map((i) => i.key)).toEqual([
      'lesson:c/a',
      'lesson:c/b',
      'quiz:c/m1',
      'lesson:c/c',
      'lesson:c/d',
      'quiz:c/m2',
      'lab:ha-setup/s1',
      'lab:ha-setup/s2',
    ])
    expect(items.map((i) => i.shortTitle)).toEqual([
      'M1.1',
      'M1.2',
      'Q1',
      'M2.1',
      'M2.2',
      'Q2',
      'L1.1',
      'L1.2',
    ])
  })
})

describe('computeGrade', () => {
  const items = listCourseItems(course, labs)

  it('weights lessons, quizzes and labs by the policy, with partial credit', () => {
    const grade = computeGrade(
      items,
      progress({
        lessons: new Map([
          ['c/a', { completed: true }],
          ['c/b', { completed: false }],
        ]),
        quizzes: new Map([['c/m1', { bestCorrect: 3, bestTotal: 4, passed: true, attempts: 2 }]]),
        labSteps: new Map([
          ['ha-setup/s1', { attempts: 1, passed: true }],
          ['ha-setup/s2', { attempts: 4, passed: false }],
        ]),
      }),
      DEFAULT_POLICY,
    )
    expect(grade.categories).toEqual({ lessons: 25, quizzes: 37.5, labs: 25 })
    // 10% × 25 + 40% × 37.5 + 50% × 25
    expect(grade.final).toBe(30)
    expect(grade.cells.map((c) => c.status)).toEqual([
      'done',
      'started',
      'done',
      'none',
      'none',
      'none',
      'done',
      'started',
    ])
    expect(grade.cells[7]).toMatchObject({ attempts: 4, score: 0 })
    expect(grade.completion).toBe(38)
    expect(grade.complete).toBe(false)
  })

  it('without partial credit counts only passed quizzes and fully passed labs', () => {
    const grade = computeGrade(
      items,
      progress({
        quizzes: new Map([
          ['c/m1', { bestCorrect: 3, bestTotal: 4, passed: true, attempts: 1 }],
          ['c/m2', { bestCorrect: 1, bestTotal: 2, passed: false, attempts: 1 }],
        ]),
        labSteps: new Map([['ha-setup/s1', { attempts: 1, passed: true }]]),
      }),
      { ...DEFAULT_POLICY, partialCredit: false },
    )
    expect(grade.categories.quizzes).toBe(50)
    expect(grade.categories.labs).toBe(0)
  })

  it('gives the weight of a category without items to the others', () => {
    const noLabs = listCourseItems(course, [])
    const all = new Map(['c/a', 'c/b', 'c/c', 'c/d'].map((k) => [k, { completed: true }]))
    const grade = computeGrade(noLabs, progress({ lessons: all }), DEFAULT_POLICY)
    expect(grade.categories.labs).toBeNull()
    // 10 × 100 / (10 + 40)
    expect(grade.final).toBe(20)
  })

  it('applies item and final overrides, and a complete course needs every item done', () => {
    const lessons = new Map(['c/a', 'c/b', 'c/c', 'c/d'].map((k) => [k, { completed: true }]))
    const quizzes = new Map([
      ['c/m1', { bestCorrect: 4, bestTotal: 4, passed: true, attempts: 1 }],
      ['c/m2', { bestCorrect: 2, bestTotal: 2, passed: true, attempts: 1 }],
    ])
    const labSteps = new Map([['ha-setup/s1', { attempts: 1, passed: true }]])
    const before = computeGrade(items, progress({ lessons, quizzes, labSteps }), DEFAULT_POLICY)
    expect(before.complete).toBe(false)
    const overrides = new Map([['lab:ha-setup/s2', 100]])
    const after = computeGrade(items, progress({ lessons, quizzes, labSteps, overrides }), DEFAULT_POLICY)
    expect(after.cells[7]).toMatchObject({ status: 'done', score: 100, overridden: true })
    expect(after.complete).toBe(true)
    expect(after.final).toBe(100)
    overrides.set('final', 88)
    const final = computeGrade(items, progress({ lessons, quizzes, labSteps, overrides }), DEFAULT_POLICY)
    expect(final).toMatchObject({ final: 88, finalOverridden: true })
  })
})

describe('median', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([])).toBeNull()
    expect(median([5, 1, 3])).toBe(3)
    expect(median([4, 1, 3, 2])).toBe(2.5)
  })
})

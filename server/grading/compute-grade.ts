import { FINAL_ITEM_KEY, type CourseItem } from './course-items'

// Pure grading arithmetic, tested in isolation. Scores are percentages 0–100.

export interface PolicyWeights {
  lessonWeight: number
  quizWeight: number
  labWeight: number
  partialCredit: boolean
}

export const DEFAULT_POLICY: PolicyWeights = {
  lessonWeight: 10,
  quizWeight: 40,
  labWeight: 50,
  partialCredit: true,
}

/** One learner's raw progress, keyed by the progress tables' own keys (see CourseItem.ref). */
export interface LearnerProgress {
  lessons: Map<string, { completed: boolean }>
  quizzes: Map<string, { bestCorrect: number; bestTotal: number; passed: boolean; attempts: number }>
  labSteps: Map<string, { attempts: number; passed: boolean }>
  /** Latest override per item key (including FINAL_ITEM_KEY). */
  overrides: Map<string, number>
}

export type CellStatus = 'none' | 'started' | 'done'

export interface Cell {
  status: CellStatus
  /** null until there is something to score (a lesson scores 0 or 100). */
  score: number | null
  attempts: number
  overridden: boolean
}

export interface LearnerGrade {
  cells: Cell[]
  categories: { lessons: number | null; quizzes: number | null; labs: number | null }
  /** Weighted final grade (or the final override), one decimal. */
  final: number
  finalOverridden: boolean
  /** Share of items done, 0–100 (progress, not grade). */
  completion: number
  /** All lessons done, all quizzes passed, every lab step passed or graded by hand. */
  complete: boolean
}

const round1 = (n: number) => Math.round(n * 10) / 10

function rawCell(item: CourseItem, p: LearnerProgress): Omit<Cell, 'overridden'> {
  switch (item.kind) {
    case 'lesson': {
      const row = p.lessons.get(item.ref)
      if (!row) return { status: 'none', score: null, attempts: 0 }
      return { status: row.completed ? 'done' : 'started', score: row.completed ? 100 : 0, attempts: 0 }
    }
    case 'quiz': {
      const q = p.quizzes.get(item.ref)
      if (!q || q.attempts === 0) return { status: 'none', score: null, attempts: 0 }
      const percent = q.bestTotal > 0 ? (q.bestCorrect / q.bestTotal) * 100 : 0
      return { status: q.passed ? 'done' : 'started', score: round1(percent), attempts: q.attempts }
    }
    case 'lab-step': {
      const s = p.labSteps.get(item.ref)
      if (!s) return { status: 'none', score: null, attempts: 0 }
      return {
        status: s.passed ? 'done' : s.attempts > 0 ? 'started' : 'none',
        score: s.passed ? 100 : s.attempts > 0 ? 0 : null,
        attempts: s.attempts,
      }
    }
  }
}

export function cellFor(item: CourseItem, p: LearnerProgress): Cell {
  const cell = rawCell(item, p)
  const override = p.overrides.get(item.key)
  if (override === undefined) return { ...cell, overridden: false }
  const passMark = item.kind === 'quiz' ? (item.passPercent ?? 0) : 100
  // A hand grade counts as done when it reaches the pass mark (a lesson or lab step needs 100).
  return {
    ...cell,
    score: override,
    status: override >= passMark ? 'done' : cell.status === 'none' ? 'started' : cell.status,
    overridden: true,
  }
}

function mean(values: number[]): number | null {
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length
}

/** Grades one learner against the course items and the course's policy. */
export function computeGrade(
  items: readonly CourseItem[],
  progress: LearnerProgress,
  policy: PolicyWeights,
): LearnerGrade {
  const cells = items.map((item) => cellFor(item, progress))
  const scored = (kind: CourseItem['kind']) =>
    items.flatMap((item, i) => (item.kind === kind ? [{ item, cell: cells[i]! }] : []))

  const lessons = mean(scored('lesson').map(({ cell }) => cell.score ?? 0))
  const quizzes = mean(
    scored('quiz').map(({ item, cell }) => {
      if (policy.partialCredit || cell.overridden) return cell.score ?? 0
      return (cell.score ?? 0) >= (item.passPercent ?? 0) && cell.status === 'done' ? 100 : 0
    }),
  )

  const steps = scored('lab-step')
  let labs: number | null = null
  if (steps.length > 0) {
    const byLab = new Map<string, { points: number; earned: number; allPassed: boolean }>()
    for (const { item, cell } of steps) {
      const lab = byLab.get(item.labSlug ?? '') ?? { points: 0, earned: 0, allPassed: true }
      // A lab with zero-point steps still counts each step equally.
      const points = item.points && item.points > 0 ? item.points : 1
      lab.points += points
      lab.earned += (points * (cell.score ?? 0)) / 100
      lab.allPassed &&= (cell.score ?? 0) >= 100
      byLab.set(item.labSlug ?? '', lab)
    }
    let points = 0
    let earned = 0
    for (const lab of byLab.values()) {
      points += lab.points
      earned += policy.partialCredit ? lab.earned : lab.allPassed ? lab.points : 0
    }
    labs = points > 0 ? (earned / points) * 100 : 0
  }

  // Categories without items (e.g. before any lab exists) give their weight to the others.
  const parts = [
    { value: lessons, weight: policy.lessonWeight },
    { value: quizzes, weight: policy.quizWeight },
    { value: labs, weight: policy.labWeight },
  ].filter((p): p is { value: number; weight: number } => p.value !== null)
  const totalWeight = parts.reduce((n, p) => n + p.weight, 0)
  const weighted = totalWeight > 0 ? parts.reduce((n, p) => n + p.value * p.weight, 0) / totalWeight : 0
  const finalOverride = progress.overrides.get(FINAL_ITEM_KEY)

  const done = cells.filter((c) => c.status === 'done').length
  return {
    cells,
    categories: {
      lessons: lessons === null ? null : round1(lessons),
      quizzes: quizzes === null ? null : round1(quizzes),
      labs: labs === null ? null : round1(labs),
    },
    final: round1(finalOverride ?? weighted),
    finalOverridden: finalOverride !== undefined,
    completion: items.length === 0 ? 0 : Math.round((done / items.length) * 100),
    complete: items.length > 0 && done === items.length,
  }
}

/** Median of the given numbers (null for none). */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

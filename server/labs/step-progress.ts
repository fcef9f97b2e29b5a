import 'server-only'
// Where a learner stands on each step of a lab: attempts, pass, points, unlocked hints.
import { db } from '@/server/db'
import type { LabInfo } from './list-labs'

export interface StepProgress {
  id: string
  title: string
  points: number
  attempts: number
  passed: boolean
  passedAt: string | null
  pointsEarned: number
  /** Hints the learner has unlocked by failing often enough. */
  hints: string[]
  /** Failed attempts still needed before the next hint unlocks; null when none is left. */
  nextHintIn: number | null
}

/** Failed attempts: a passed step counts its passing attempt as not failed. */
export function unlockedHints(
  hints: ReadonlyArray<{ afterAttempts: number; text: string }>,
  attempts: number,
  passed: boolean,
): { hints: string[]; nextHintIn: number | null } {
  const failed = Math.max(0, attempts - (passed ? 1 : 0))
  const unlocked = hints.filter((h) => h.afterAttempts <= failed).map((h) => h.text)
  const next = hints.filter((h) => h.afterAttempts > failed).map((h) => h.afterAttempts - failed)
  return { hints: unlocked, nextHintIn: next.length > 0 ? Math.min(...next) : null }
}

export async function getStepProgress(userId: string, lab: LabInfo): Promise<StepProgress[]> {
  const rows = await db().labStepResult.findMany({
    where: { userId, labSlug: lab.slug },
    select: { stepId: true, attempts: true, passedAt: true, points: true },
  })
  const byStep = new Map(rows.map((r) => [r.stepId, r]))
  return lab.steps.map((step) => {
    const row = byStep.get(step.id)
    const attempts = row?.attempts ?? 0
    const passed = Boolean(row?.passedAt)
    return {
      id: step.id,
      title: step.title,
      points: step.points,
      attempts,
      passed,
      passedAt: row?.passedAt?.toISOString() ?? null,
      pointsEarned: row?.points ?? 0,
      ...unlockedHints(step.hints, attempts, passed),
    }
  })
}

import 'server-only'
import { scoreOf } from './grade-quiz'
import type { BestQuizScore } from './types'

export interface StoredAttempt {
  quizKey: string
  correct: number
  total: number
  passed: boolean
  createdAt: Date
}

export const storedAttemptSelect = {
  quizKey: true,
  correct: true,
  total: true,
  passed: true,
  createdAt: true,
} as const

/**
 * The best of a learner's attempts at one quiz: highest share correct, earliest on a tie.
 * Compared as fractions, because a quiz may gain or lose questions between attempts.
 */
export function pickBestAttempt(attempts: readonly StoredAttempt[]): BestQuizScore | null {
  let best: StoredAttempt | undefined
  for (const attempt of attempts) {
    if (attempt.total <= 0) continue
    if (
      !best ||
      attempt.correct * best.total > best.correct * attempt.total ||
      (attempt.correct * best.total === best.correct * attempt.total && attempt.createdAt < best.createdAt)
    ) {
      best = attempt
    }
  }
  if (!best) return null
  return {
    ...scoreOf(best.correct, best.total, 0),
    // Whether it passed is what was decided when it was graded.
    passed: best.passed,
    attempts: attempts.length,
    achievedAt: best.createdAt.toISOString(),
  }
}

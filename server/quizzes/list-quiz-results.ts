import 'server-only'
import { db } from '@/server/db'
import { pickBestAttempt, storedAttemptSelect, type StoredAttempt } from './best-quiz-score'
import type { BestQuizScore } from './types'

/**
 * Best scores for several quizzes at once (course page, dashboards), in one query.
 * Keys the learner never attempted map to null, so callers can show "Not attempted".
 */
export async function listQuizResults({
  userId,
  quizKeys,
}: {
  userId: string
  quizKeys: readonly string[]
}): Promise<Record<string, BestQuizScore | null>> {
  const attempts = quizKeys.length
    ? await db().quizAttempt.findMany({
        where: { userId, quizKey: { in: [...quizKeys] } },
        select: storedAttemptSelect,
      })
    : []
  const byKey = new Map<string, StoredAttempt[]>()
  for (const attempt of attempts) {
    const list = byKey.get(attempt.quizKey) ?? []
    list.push(attempt)
    byKey.set(attempt.quizKey, list)
  }
  return Object.fromEntries(quizKeys.map((key) => [key, pickBestAttempt(byKey.get(key) ?? [])]))
}

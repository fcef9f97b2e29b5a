import 'server-only'
import { db } from '@/server/db'
import { pickBestAttempt, storedAttemptSelect } from './best-quiz-score'
import type { BestQuizScore } from './types'

/** The learner's best attempt at one quiz, or null before the first attempt. */
export async function getBestQuizScore({
  userId,
  quizKey,
}: {
  userId: string
  quizKey: string
}): Promise<BestQuizScore | null> {
  const attempts = await db().quizAttempt.findMany({
    where: { userId, quizKey },
    select: storedAttemptSelect,
  })
  return pickBestAttempt(attempts)
}

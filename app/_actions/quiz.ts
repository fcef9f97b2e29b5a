'use server'

import { z } from 'zod'
import { getQuiz } from '@/server/content/catalog'
import { resolveQuizPolicy } from '@/server/quizzes/resolve-quiz-policy'
import { submitQuizAttempt } from '@/server/quizzes/submit-quiz-attempt'
import type { QuizSubmission } from '@/server/quizzes/types'
import { getCurrentUser } from '@/server/session/current-user'

export type QuizActionResult = QuizSubmission | { status: 'error'; message: string }

const answersSchema = z.record(z.string().max(100), z.number().int().min(0).max(99))

/**
 * Grades the learner's open attempt on the server: the attempt id names the stored draw (its
 * questions and choice order), the answers are the indexes of the choices as shown.
 */
export async function submitQuizAction(
  quizKey: string,
  attemptId: string,
  answers: Record<string, number>,
): Promise<QuizActionResult> {
  const user = await getCurrentUser()
  if (!user) return { status: 'error', message: 'You are signed out. Sign in to submit the knowledge check.' }
  const quiz = typeof quizKey === 'string' ? await getQuiz(quizKey) : undefined
  if (!quiz)
    return { status: 'error', message: `There is no knowledge check "${String(quizKey)}". Reload the page.` }
  const parsed = answersSchema.safeParse(answers)
  if (!parsed.success || typeof attemptId !== 'string' || attemptId.length > 100) {
    return { status: 'error', message: 'The answers could not be read. Reload the page and try again.' }
  }
  const policy = await resolveQuizPolicy({ userId: user.id, courseSlug: quiz.key.split('/')[0]! })
  return submitQuizAttempt({ userId: user.id, quiz, policy, attemptId, answers: parsed.data })
}

import 'server-only'
import { db } from '@/server/db'
import { metrics } from '@/server/metrics/metrics'
import { getBestQuizScore } from './get-best-quiz-score'
import { gradeQuiz } from './grade-quiz'
import type { Quiz, QuizAnswers, QuizSubmission } from './types'

/**
 * Grades an attempt on the server against the real quiz (the caller loads it from content),
 * stores it, and returns per-question feedback with the best score so far. Incomplete or
 * invalid answers store nothing.
 */
export async function submitQuizAttempt({
  userId,
  quiz,
  answers,
}: {
  userId: string
  quiz: Quiz
  answers: QuizAnswers
}): Promise<QuizSubmission> {
  const graded = gradeQuiz(quiz, answers)
  if (graded.status !== 'graded') return graded

  await db().quizAttempt.create({
    data: {
      userId,
      quizKey: quiz.key,
      answers: Object.fromEntries(graded.results.map((r) => [r.questionId, r.chosen])),
      correct: graded.correct,
      total: graded.total,
      passed: graded.passed,
    },
    select: { id: true },
  })
  metrics().quizAttempts.inc({ result: graded.passed ? 'passed' : 'failed' })
  const best = await getBestQuizScore({ userId, quizKey: quiz.key })
  // The attempt just stored guarantees a best score exists.
  if (!best) throw new Error(`quiz attempt for ${quiz.key} was stored but not found again`)
  return { ...graded, best }
}

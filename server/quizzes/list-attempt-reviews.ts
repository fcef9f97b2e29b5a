import 'server-only'
import { db } from '@/server/db'
import { scoreOf } from './grade-quiz'
import { toReviewTopics } from './review-topics'
import type { GradedQuestion } from './submit-quiz-attempt'
import type { AttemptReview, Quiz, ReviewedQuestion } from './types'

function readGraded(quiz: Quiz, stored: unknown): GradedQuestion[] | null {
  if (!Array.isArray(stored)) return null
  const out: GradedQuestion[] = []
  for (const item of stored as Partial<GradedQuestion>[]) {
    const question = quiz.questions.find((q) => q.id === item?.questionId)
    if (!question || !Array.isArray(item.order) || typeof item.chosen !== 'number') return null
    if (item.order.length !== question.choices.length) return null
    out.push({
      questionId: question.id,
      order: item.order,
      chosen: item.chosen,
      correct: Boolean(item.correct),
    })
  }
  return out
}

/**
 * Every attempt of one learner at one quiz, oldest first, with each question as it was shown,
 * the pick, the answer and the explanation. This is the answer key: callers decide who may see
 * it (the learner only once `standing.reviewUnlocked`; the learner's instructors always).
 */
export async function listAttemptReviews({
  userId,
  quiz,
}: {
  userId: string
  quiz: Quiz
}): Promise<AttemptReview[]> {
  const attempts = await db().quizAttempt.findMany({
    where: { userId, quizKey: quiz.key },
    select: { id: true, correct: true, total: true, passed: true, graded: true, createdAt: true },
    orderBy: { createdAt: 'asc' },
  })
  const courseSlug = quiz.key.split('/')[0]!
  const reviews: AttemptReview[] = []
  for (const [index, attempt] of attempts.entries()) {
    const graded = readGraded(quiz, attempt.graded)
    let questions: ReviewedQuestion[] | null = null
    if (graded) {
      questions = []
      for (const g of graded) {
        const question = quiz.questions.find((q) => q.id === g.questionId)!
        const [topic] = await toReviewTopics(courseSlug, [question.topic])
        questions.push({
          questionId: question.id,
          prompt: question.prompt,
          choices: g.order.map((i) => question.choices[i]!),
          chosen: g.chosen,
          answer: g.order.indexOf(question.answer),
          correct: g.correct,
          explanation: question.explanation,
          topic: topic!,
        })
      }
    }
    reviews.push({
      attemptId: attempt.id,
      number: index + 1,
      submittedAt: attempt.createdAt.toISOString(),
      ...scoreOf(attempt.correct, attempt.total, quiz.passPercent),
      // Whether it passed is what was decided when it was graded; the pass mark may have moved since.
      passed: attempt.passed,
      questions,
    })
  }
  return reviews
}

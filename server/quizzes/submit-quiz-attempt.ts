import 'server-only'
import type { Prisma } from '@/generated/prisma/client'
import { recordAuditEvent } from '@/server/audit/record-audit-event'
import { db } from '@/server/db'
import { metrics } from '@/server/metrics/metrics'
import { scoreOf } from './grade-quiz'
import { getQuizStanding } from './quiz-standing'
import { toReviewTopics } from './review-topics'
import { readDraw } from './start-quiz-attempt'
import type { Quiz, QuizAnswers, QuizPolicy, QuizSubmission } from './types'

/** Submissions (accepted or refused) per learner and quiz in any one minute. */
export const submitRateLimit = { max: 5, windowMs: 60_000 }

/** One graded question as stored with the attempt, enough for the review without the draw. */
export interface GradedQuestion {
  questionId: string
  order: number[]
  /** Index of the chosen choice as shown. */
  chosen: number
  correct: boolean
}

type Refusal = Extract<QuizSubmission, { status: 'refused' }>

/**
 * Grades the learner's open attempt (`attemptId` from `startQuizAttempt`) on the server.
 * Answers are indexes of the choices as shown in that attempt; the stored choice order maps
 * them back to the answer key. The reply holds the score and the topics to review, never
 * which question was right. Refused submissions store no attempt, change no score, and are
 * audited; they count toward the submission rate limit.
 */
export async function submitQuizAttempt({
  userId,
  quiz,
  policy,
  attemptId,
  answers,
  now = new Date(),
}: {
  userId: string
  quiz: Quiz
  policy: QuizPolicy
  attemptId: string
  answers: QuizAnswers
  now?: Date
}): Promise<QuizSubmission> {
  const refuse = async (
    reason: Refusal['reason'],
    message: string,
    retryAt: Date | null = null,
  ): Promise<Refusal> => {
    await recordAuditEvent({
      actorId: userId,
      action: 'quiz.attempt.refused',
      targetUserId: userId,
      details: { quizKey: quiz.key, attemptId, reason },
    })
    return { status: 'refused', reason, message, retryAt: retryAt?.toISOString() ?? null }
  }

  const recent = await db().auditEvent.findMany({
    where: {
      actorId: userId,
      action: { in: ['quiz.attempt.submit', 'quiz.attempt.refused'] },
      details: { path: ['quizKey'], equals: quiz.key },
      createdAt: { gt: new Date(now.getTime() - submitRateLimit.windowMs) },
    },
    select: { createdAt: true },
    orderBy: { createdAt: 'asc' },
  })
  if (recent.length >= submitRateLimit.max) {
    const retryAt = new Date(
      recent[recent.length - submitRateLimit.max]!.createdAt.getTime() + submitRateLimit.windowMs,
    )
    const seconds = Math.max(1, Math.ceil((retryAt.getTime() - now.getTime()) / 1000))
    return refuse(
      'rate-limited',
      `Too many submissions in a minute. Wait ${seconds} seconds, then submit again; your answers are still on the page.`,
      retryAt,
    )
  }

  const standing = await getQuizStanding({ userId, quizKey: quiz.key, policy, now })
  if (standing.blockedReason) {
    return refuse(
      'locked',
      standing.blockedReason,
      standing.nextAttemptAt ? new Date(standing.nextAttemptAt) : null,
    )
  }

  const stored = await db().quizDraw.findFirst({
    where: { id: attemptId, userId, quizKey: quiz.key, submittedAt: null },
    select: { id: true, questions: true },
  })
  const draw = stored && readDraw(quiz, stored.questions)
  if (!draw) {
    return refuse(
      'invalid',
      'This attempt is not open any more (it was submitted, or the quiz changed). Reload the page to get your current attempt.',
    )
  }

  const drawn = new Set(draw.map((d) => d.questionId))
  const foreign = Object.keys(answers).filter((id) => !drawn.has(id))
  if (foreign.length > 0) {
    return refuse(
      'invalid',
      `These answers are for questions that are not in this attempt (${foreign.join(', ')}). Reload the page and answer the questions shown.`,
    )
  }
  const unanswered = draw.filter((d) => answers[d.questionId] === undefined).map((d) => d.questionId)
  if (unanswered.length > 0) return { status: 'incomplete', unanswered }
  const outOfRange = draw.find((d) => {
    const chosen = answers[d.questionId]!
    return !Number.isInteger(chosen) || chosen < 0 || chosen >= d.order.length
  })
  if (outOfRange) {
    return refuse(
      'invalid',
      `The answer to question "${outOfRange.questionId}" is not one of its choices. Reload the page and answer again.`,
    )
  }

  const graded: GradedQuestion[] = draw.map(({ questionId, order }) => {
    const question = quiz.questions.find((q) => q.id === questionId)!
    const chosen = answers[questionId]!
    return { questionId, order, chosen, correct: order[chosen] === question.answer }
  })
  const score = scoreOf(graded.filter((g) => g.correct).length, graded.length, quiz.passPercent)

  const created = await db().$transaction(async (tx) => {
    // Conditional on still being open, so a double submit of one attempt grades it once.
    const closed = await tx.quizDraw.updateMany({
      where: { id: attemptId, submittedAt: null },
      data: { submittedAt: now },
    })
    if (closed.count !== 1) return null
    const attempt = await tx.quizAttempt.create({
      data: {
        userId,
        quizKey: quiz.key,
        drawId: attemptId,
        answers: Object.fromEntries(graded.map((g) => [g.questionId, g.order[g.chosen]!])),
        graded: graded as unknown as Prisma.InputJsonArray,
        correct: score.correct,
        total: score.total,
        passed: score.passed,
        createdAt: now,
      },
      select: { id: true },
    })
    await recordAuditEvent(
      {
        actorId: userId,
        action: 'quiz.attempt.submit',
        targetUserId: userId,
        details: {
          quizKey: quiz.key,
          attemptId,
          correct: score.correct,
          total: score.total,
          passed: score.passed,
        },
      },
      tx,
    )
    return attempt
  })
  if (!created)
    return refuse('invalid', 'This attempt was already submitted. Reload the page to see your result.')

  metrics().quizAttempts.inc({ result: score.passed ? 'passed' : 'failed' })
  const courseSlug = quiz.key.split('/')[0]!
  const missed = graded
    .filter((g) => !g.correct)
    .map((g) => quiz.questions.find((q) => q.id === g.questionId)!.topic)
  return {
    status: 'graded',
    attemptId: created.id,
    ...score,
    reviewTopics: await toReviewTopics(courseSlug, missed),
    standing: await getQuizStanding({ userId, quizKey: quiz.key, policy, now }),
  }
}

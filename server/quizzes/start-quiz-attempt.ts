import 'server-only'
import { randomInt } from 'node:crypto'
import type { Prisma } from '@/generated/prisma/client'
import { db } from '@/server/db'
import { getQuizStanding } from './quiz-standing'
import type { DrawnQuestion, PublicQuizAttempt, Quiz, QuizPolicy, QuizStanding } from './types'

/** A uniform integer in [0, max). Crypto-strong by default; tests pass their own to pin a draw. */
export type RandomInt = (max: number) => number

export type StartResult =
  | { status: 'open'; attempt: PublicQuizAttempt; standing: QuizStanding }
  | { status: 'blocked'; standing: QuizStanding }

/** Fisher–Yates over a copy. */
function shuffle<T>(items: readonly T[], random: RandomInt): T[] {
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = random(i + 1)
    ;[out[i], out[j]] = [out[j]!, out[i]!]
  }
  return out
}

/** Draws `questionsPerAttempt` questions from the pool and shuffles each one's choices. */
export function drawQuestions(quiz: Quiz, random: RandomInt = randomInt): DrawnQuestion[] {
  return shuffle(quiz.questions, random)
    .slice(0, quiz.questionsPerAttempt)
    .map((q) => ({
      questionId: q.id,
      order: shuffle(
        q.choices.map((_, i) => i),
        random,
      ),
    }))
}

/** Reads a stored draw back; a draw naming a question the pool no longer has is unusable. */
export function readDraw(quiz: Quiz, stored: Prisma.JsonValue): DrawnQuestion[] | null {
  if (!Array.isArray(stored)) return null
  const out: DrawnQuestion[] = []
  for (const item of stored) {
    if (!item || typeof item !== 'object' || Array.isArray(item)) return null
    const { questionId, order } = item as { questionId?: unknown; order?: unknown }
    const question = quiz.questions.find((q) => q.id === questionId)
    if (!question || !Array.isArray(order) || order.length !== question.choices.length) return null
    const sorted = [...order].sort((a, b) => Number(a) - Number(b))
    if (!sorted.every((v, i) => v === i)) return null
    out.push({ questionId: question.id, order: order as number[] })
  }
  return out
}

export function toPublicAttempt(
  quiz: Quiz,
  attemptId: string,
  draw: readonly DrawnQuestion[],
): PublicQuizAttempt {
  return {
    attemptId,
    key: quiz.key,
    title: quiz.title,
    passPercent: quiz.passPercent,
    // Field by field, so nothing private (answer, explanation, topic) can ride along.
    questions: draw.map(({ questionId, order }) => {
      const question = quiz.questions.find((q) => q.id === questionId)!
      return { id: question.id, prompt: question.prompt, choices: order.map((i) => question.choices[i]!) }
    }),
  }
}

/**
 * The learner's open attempt at a quiz: the one already drawn (a reload shows the same
 * questions in the same order), or a new draw when the policy allows another attempt now.
 * Opening an attempt costs nothing; only submitting one counts against the limit.
 */
export async function startQuizAttempt({
  userId,
  quiz,
  policy,
  random = randomInt,
  now = new Date(),
}: {
  userId: string
  quiz: Quiz
  policy: QuizPolicy
  random?: RandomInt
  now?: Date
}): Promise<StartResult> {
  const standing = await getQuizStanding({ userId, quizKey: quiz.key, policy, now })
  if (standing.blockedReason) return { status: 'blocked', standing }

  const open = await db().quizDraw.findFirst({
    where: { userId, quizKey: quiz.key, submittedAt: null },
    select: { id: true, questions: true },
  })
  if (open) {
    const draw = readDraw(quiz, open.questions)
    if (draw && draw.length === quiz.questionsPerAttempt) {
      return { status: 'open', attempt: toPublicAttempt(quiz, open.id, draw), standing }
    }
    // The pool changed under an unsubmitted draw: retire it (it was never an attempt) and draw again.
    await db().quizDraw.update({ where: { id: open.id }, data: { submittedAt: now }, select: { id: true } })
  }

  const draw = drawQuestions(quiz, random)
  try {
    const created = await db().quizDraw.create({
      data: { userId, quizKey: quiz.key, questions: draw as unknown as Prisma.InputJsonArray },
      select: { id: true },
    })
    return { status: 'open', attempt: toPublicAttempt(quiz, created.id, draw), standing }
  } catch (error) {
    // Two tabs opened the quiz at once: the partial unique index let one draw win; use it.
    const winner = await db().quizDraw.findFirst({
      where: { userId, quizKey: quiz.key, submittedAt: null },
      select: { id: true, questions: true },
    })
    const winnerDraw = winner && readDraw(quiz, winner.questions)
    if (!winner || !winnerDraw) throw error
    return { status: 'open', attempt: toPublicAttempt(quiz, winner.id, winnerDraw), standing }
  }
}

import 'server-only'
import { db } from '@/server/db'
import { pickBestAttempt, storedAttemptSelect, type StoredAttempt } from './best-quiz-score'
import type { QuizPolicy, QuizStanding } from './types'

/**
 * Where a learner stands with one quiz under `policy`, from their stored attempts. Pure.
 * - A passed quiz takes no more attempts: its review is open, so another attempt would be free points.
 * - The cool-down runs after every failed attempt from the second on (with the default three
 *   attempts: between the second and the third), counted from that attempt's submission.
 * - Attempts beyond the limit (the limit was lowered later) stay counted; none new may start.
 */
export function standingFrom(
  attempts: readonly StoredAttempt[],
  policy: QuizPolicy,
  now: Date,
): QuizStanding {
  const sorted = [...attempts].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
  const attemptsUsed = sorted.length
  const attemptsLeft = Math.max(0, policy.maxAttempts - attemptsUsed)
  const passed = sorted.some((a) => a.passed)
  const last = sorted.at(-1)
  let nextAttemptAt: Date | null = null
  if (!passed && attemptsLeft > 0 && last && attemptsUsed >= 2 && policy.cooldownMinutes > 0) {
    const opens = new Date(last.createdAt.getTime() + policy.cooldownMinutes * 60_000)
    if (opens > now) nextAttemptAt = opens
  }
  let blockedReason: string | null = null
  if (passed)
    blockedReason = 'You have passed this knowledge check. Your review of every attempt is open below.'
  else if (attemptsLeft === 0) {
    blockedReason = `You have used all ${policy.maxAttempts} attempts. Your review is open below; ask your instructor if you need another attempt.`
  } else if (nextAttemptAt) {
    const wait = Math.ceil((nextAttemptAt.getTime() - now.getTime()) / 60_000)
    blockedReason =
      `Your next attempt opens at ${nextAttemptAt.toISOString().slice(11, 16)} UTC (in ${wait} ${wait === 1 ? 'minute' : 'minutes'}), ` +
      `after a ${formatMinutes(policy.cooldownMinutes)} cool-down. Use the time to re-read the topics to review.`
  }
  return {
    policy,
    attemptsUsed,
    attemptsLeft,
    passed,
    reviewUnlocked: passed || attemptsLeft === 0,
    nextAttemptAt: nextAttemptAt?.toISOString() ?? null,
    blockedReason,
    best: pickBestAttempt(sorted),
  }
}

export function formatMinutes(minutes: number): string {
  if (minutes % 60 === 0) return minutes === 60 ? '1-hour' : `${minutes / 60}-hour`
  return `${minutes}-minute`
}

export async function getQuizStanding({
  userId,
  quizKey,
  policy,
  now = new Date(),
}: {
  userId: string
  quizKey: string
  policy: QuizPolicy
  now?: Date
}): Promise<QuizStanding> {
  const attempts = await db().quizAttempt.findMany({
    where: { userId, quizKey },
    select: storedAttemptSelect,
  })
  return standingFrom(attempts, policy, now)
}

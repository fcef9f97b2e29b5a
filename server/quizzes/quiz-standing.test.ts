import { describe, expect, it } from 'vitest'
import { standingFrom } from './quiz-standing'
import type { QuizPolicy } from './types'

const policy: QuizPolicy = { maxAttempts: 3, cooldownMinutes: 60, source: { kind: 'course' } }
const t0 = new Date('2026-12-01T10:00:00Z')
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000)
const attempt = (minutes: number, correct: number, passed = correct >= 5) => ({
  quizKey: 'c/m',
  correct,
  total: 6,
  passed,
  createdAt: at(minutes),
})

describe('standingFrom', () => {
  it('lets a first and second attempt start at once and opens nothing to review', () => {
    expect(standingFrom([], policy, t0)).toMatchObject({
      attemptsLeft: 3,
      blockedReason: null,
      reviewUnlocked: false,
      best: null,
    })
    expect(standingFrom([attempt(0, 2)], policy, at(1))).toMatchObject({
      attemptsLeft: 2,
      nextAttemptAt: null,
      blockedReason: null,
    })
  })

  it('holds the third attempt for the cool-down after the second failure, then opens it', () => {
    const attempts = [attempt(0, 2), attempt(5, 3)]
    const waiting = standingFrom(attempts, policy, at(30))
    expect(waiting.nextAttemptAt).toBe(at(65).toISOString())
    expect(waiting.blockedReason).toContain('11:05 UTC (in 35 minutes)')
    expect(waiting.blockedReason).toContain('1-hour cool-down')
    expect(standingFrom(attempts, policy, at(65))).toMatchObject({
      nextAttemptAt: null,
      blockedReason: null,
      attemptsLeft: 1,
    })
  })

  it('closes the quiz and opens the review once passed or out of attempts', () => {
    const passed = standingFrom([attempt(0, 2), attempt(1, 6)], policy, at(2))
    expect(passed).toMatchObject({ passed: true, reviewUnlocked: true, attemptsLeft: 1 })
    expect(passed.blockedReason).toContain('You have passed')
    const exhausted = standingFrom([attempt(0, 1), attempt(1, 2), attempt(70, 4)], policy, at(71))
    expect(exhausted).toMatchObject({ passed: false, reviewUnlocked: true, attemptsLeft: 0 })
    expect(exhausted.blockedReason).toContain('used all 3 attempts')
  })

  it('counts the best attempt, earliest on a tie', () => {
    const standing = standingFrom([attempt(0, 3), attempt(1, 4), attempt(70, 4)], policy, at(80))
    expect(standing.best).toMatchObject({
      correct: 4,
      total: 6,
      attempts: 3,
      achievedAt: at(1).toISOString(),
    })
  })
})

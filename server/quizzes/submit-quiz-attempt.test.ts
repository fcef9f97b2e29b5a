// Against the real test database: draws, grading through the stored choice order, the attempt
// policy with its cool-down, the per-cohort override, and when the review opens.
import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { db } from '@/server/db'
import { listAttemptReviews } from './list-attempt-reviews'
import { listQuizResults } from './list-quiz-results'
import { resolveQuizPolicy } from './resolve-quiz-policy'
import { setCohortQuizPolicy } from './set-cohort-quiz-policy'
import { startQuizAttempt } from './start-quiz-attempt'
import { submitQuizAttempt } from './submit-quiz-attempt'
import { answersFor, newTestUser, readContentQuiz } from './test-support/read-content-quiz'
import type { Quiz, QuizPolicy } from './types'

const policy: QuizPolicy = { maxAttempts: 3, cooldownMinutes: 60, source: { kind: 'course' } }
const minutes = (base: Date, m: number) => new Date(base.getTime() + m * 60_000)

async function open(userId: string, quiz: Quiz, p = policy, now = new Date()) {
  const started = await startQuizAttempt({ userId, quiz, policy: p, now })
  if (started.status !== 'open')
    throw new Error(`expected an open attempt, got: ${started.standing.blockedReason}`)
  return started.attempt
}

async function take(userId: string, quiz: Quiz, wrong: number, now = new Date(), p = policy) {
  const attempt = await open(userId, quiz, p, now)
  const result = await submitQuizAttempt({
    userId,
    quiz,
    policy: p,
    attemptId: attempt.attemptId,
    answers: await answersFor(quiz, attempt.attemptId, wrong),
    now,
  })
  if (result.status !== 'graded') throw new Error(`expected graded, got ${JSON.stringify(result)}`)
  return result
}

describe('startQuizAttempt', () => {
  it('keeps one open draw per learner and quiz: a reload shows the same questions in the same order', async () => {
    const userId = await newTestUser()
    const quiz = await readContentQuiz('05-incident-response')
    const first = await open(userId, quiz)
    const again = await open(userId, quiz)
    expect(again).toEqual(first)
    expect(first.questions).toHaveLength(6)
    expect(await db().quizDraw.count({ where: { userId } })).toBe(1)
  })
})

describe('submitQuizAttempt', () => {
  it('grades through the stored choice order and answers with the score and topics, not per-question results', async () => {
    const userId = await newTestUser()
    const quiz = await readContentQuiz('05-incident-response')
    const result = await take(userId, quiz, 2)
    expect(result).toMatchObject({ correct: 4, total: 6, percent: 67, passed: false })
    expect(result.reviewTopics.length).toBeGreaterThanOrEqual(1)
    expect(result.reviewTopics.length).toBeLessThanOrEqual(2)
    for (const topic of result.reviewTopics)
      expect(topic.href).toMatch(/^\/courses\/production-operations\/[a-z-]+#[a-z0-9-]+$/)
    const serialized = JSON.stringify(result)
    expect(serialized).not.toMatch(/"explanation"|"questionId"|"chosen"|"answer"/)
    for (const q of quiz.questions) expect(serialized).not.toContain(q.explanation)
    expect(result.standing).toMatchObject({ attemptsUsed: 1, attemptsLeft: 2, reviewUnlocked: false })
  })

  it('allows three attempts with a cool-down before the third, counts the best, then opens the review', async () => {
    const userId = await newTestUser()
    const quiz = await readContentQuiz('02-scaling-strategies')
    const t0 = new Date()
    await take(userId, quiz, 3, t0)
    const second = await take(userId, quiz, 2, minutes(t0, 1))
    expect(second.standing.nextAttemptAt).toBe(minutes(t0, 61).toISOString())

    const blocked = await startQuizAttempt({ userId, quiz, policy, now: minutes(t0, 30) })
    expect(blocked.status).toBe('blocked')
    expect(blocked.standing.blockedReason).toMatch(
      /Your next attempt opens at \d\d:\d\d UTC \(in 31 minutes\)/,
    )
    expect(await listAttemptReviews({ userId, quiz })).toHaveLength(2)

    const third = await take(userId, quiz, 4, minutes(t0, 62))
    expect(third.standing).toMatchObject({ attemptsUsed: 3, attemptsLeft: 0, reviewUnlocked: true })
    // The best attempt (4 of 6) counts, not the last (2 of 6).
    expect(third.standing.best).toMatchObject({ correct: 4, total: 6, attempts: 3 })
    expect((await listQuizResults({ userId, quizKeys: [quiz.key] }))[quiz.key]).toMatchObject({ correct: 4 })

    const reviews = await listAttemptReviews({ userId, quiz })
    expect(reviews.map((r) => r.correct)).toEqual([3, 4, 2])
    const q = reviews[0]!.questions![0]!
    const source = quiz.questions.find((p) => p.id === q.questionId)!
    expect(q.choices[q.answer]).toBe(source.choices[source.answer])
    expect(q.correct).toBe(false)
    expect(q.explanation).toBe(source.explanation)
  })

  it('takes no attempt after a pass, since the review is open', async () => {
    const userId = await newTestUser()
    const quiz = await readContentQuiz('03-monitoring-and-observability')
    const passed = await take(userId, quiz, 0)
    expect(passed.standing).toMatchObject({ passed: true, reviewUnlocked: true })
    const again = await startQuizAttempt({ userId, quiz, policy })
    expect(again).toMatchObject({ status: 'blocked' })
    expect(again.standing.blockedReason).toContain('You have passed')
  })
})

describe('cohort quiz policy', () => {
  it("lets the cohort's instructor override the course default, and no one else", async () => {
    const [teacher, other, learner] = [
      await newTestUser('Teacher'),
      await newTestUser('Other'),
      await newTestUser('Learner'),
    ]
    await db().user.updateMany({ where: { id: { in: [teacher, other] } }, data: { role: 'instructor' } })
    const cohortId = randomUUID()
    await db().cohort.create({
      data: {
        id: cohortId,
        name: 'Winter cohort',
        courseSlug: 'production-operations',
        createdById: teacher,
        instructors: { create: { userId: teacher } },
        members: { create: { userId: learner } },
      },
      select: { id: true },
    })
    expect(await resolveQuizPolicy({ userId: learner, courseSlug: 'production-operations' })).toEqual({
      maxAttempts: 3,
      cooldownMinutes: 60,
      source: { kind: 'course' },
    })

    await expect(
      setCohortQuizPolicy({
        actor: { id: other, role: 'instructor' },
        cohortId,
        policy: { maxAttempts: 9, cooldownMinutes: 0 },
      }),
    ).rejects.toMatchObject({ code: 'forbidden' })
    await expect(
      setCohortQuizPolicy({
        actor: { id: teacher, role: 'instructor' },
        cohortId,
        policy: { maxAttempts: 0, cooldownMinutes: 5 },
      }),
    ).rejects.toMatchObject({ code: 'invalid', message: 'Allow at least 1 attempt.' })

    await setCohortQuizPolicy({
      actor: { id: teacher, role: 'instructor' },
      cohortId,
      policy: { maxAttempts: 5, cooldownMinutes: 10 },
    })
    const overridden = await resolveQuizPolicy({ userId: learner, courseSlug: 'production-operations' })
    expect(overridden).toEqual({
      maxAttempts: 5,
      cooldownMinutes: 10,
      source: { kind: 'cohort', cohortId, cohortName: 'Winter cohort' },
    })
    expect(
      await db().auditEvent.count({ where: { cohortId, actorId: teacher, action: 'quiz-policy.update' } }),
    ).toBe(1)

    // Under the override a fourth attempt is allowed (after the 10-minute cool-down).
    const quiz = await readContentQuiz('06-backup-and-recovery')
    const t0 = new Date()
    await take(learner, quiz, 6, t0, overridden)
    await take(learner, quiz, 6, minutes(t0, 1), overridden)
    expect(
      await startQuizAttempt({ userId: learner, quiz, policy: overridden, now: minutes(t0, 5) }),
    ).toMatchObject({ status: 'blocked' })
    await take(learner, quiz, 6, minutes(t0, 12), overridden)
    const fourth = await take(learner, quiz, 6, minutes(t0, 23), overridden)
    expect(fourth.standing).toMatchObject({ attemptsUsed: 4, attemptsLeft: 1 })

    await setCohortQuizPolicy({ actor: { id: teacher, role: 'instructor' }, cohortId, policy: null })
    expect(
      (await resolveQuizPolicy({ userId: learner, courseSlug: 'production-operations' })).source,
    ).toEqual({ kind: 'course' })
  })
})

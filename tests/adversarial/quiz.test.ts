// Adversarial learner: each attack on the knowledge checks must gain nothing (no stored attempt,
// no change to the best score or the course grade) and must leave an audit record (issue 11).
import { describe, expect, it } from 'vitest'
import { db } from '@/server/db'
import { loadLearnerGrade } from '@/server/grading/load-learner-grade'
import { listQuizResults } from '@/server/quizzes/list-quiz-results'
import { startQuizAttempt, type RandomInt } from '@/server/quizzes/start-quiz-attempt'
import { submitQuizAttempt } from '@/server/quizzes/submit-quiz-attempt'
import { answersFor, newTestUser, readContentQuiz } from '@/server/quizzes/test-support/read-content-quiz'
import type { Quiz, QuizAnswers, QuizPolicy } from '@/server/quizzes/types'

const policy: QuizPolicy = { maxAttempts: 3, cooldownMinutes: 60, source: { kind: 'course' } }
const courseSlug = 'production-operations'
const minutes = (base: Date, m: number) => new Date(base.getTime() + m * 60_000)

/** Everything an attack could have changed: stored attempts, the best score and the course grade. */
async function snapshot(userId: string, quiz: Quiz) {
  const grade = await loadLearnerGrade({ actor: { id: userId, role: 'learner' }, userId, courseSlug })
  return {
    attempts: await db().quizAttempt.count({ where: { userId } }),
    best: (await listQuizResults({ userId, quizKeys: [quiz.key] }))[quiz.key] ?? null,
    final: grade.final,
    quizzes: grade.categories.quizzes,
  }
}

async function refusals(userId: string, reason: string) {
  const events = await db().auditEvent.findMany({
    where: { actorId: userId, action: 'quiz.attempt.refused' },
    select: { details: true },
  })
  return events.filter((e) => (e.details as { reason?: string }).reason === reason).length
}

async function openAttempt(userId: string, quiz: Quiz, now = new Date(), random?: RandomInt) {
  const started = await startQuizAttempt({ userId, quiz, policy, now, random })
  if (started.status !== 'open')
    throw new Error(`expected an open attempt: ${started.standing.blockedReason}`)
  return started.attempt
}

async function submit(userId: string, quiz: Quiz, attemptId: string, answers: QuizAnswers, now = new Date()) {
  return submitQuizAttempt({ userId, quiz, policy, attemptId, answers, now })
}

describe('adversarial learner: knowledge checks', () => {
  it('cannot brute-force a quiz: the 4th submission is refused, and no reply says which question was wrong', async () => {
    const userId = await newTestUser('Brute')
    const quiz = await readContentQuiz('01-production-architecture')
    const t0 = new Date()
    for (const [i, at] of [t0, minutes(t0, 1), minutes(t0, 62)].entries()) {
      const attempt = await openAttempt(userId, quiz, at)
      // One answer varied per attempt, as a brute-forcer would; the reply must not say which ones were right.
      const result = await submit(
        userId,
        quiz,
        attempt.attemptId,
        await answersFor(quiz, attempt.attemptId, 2 + i),
        at,
      )
      if (result.status !== 'graded') throw new Error(`expected graded, got ${result.status}`)
      expect(JSON.stringify(result)).not.toMatch(
        /"questionId"|"chosen"|"correct":(true|false)|"explanation"|"answer"/,
      )
    }
    const before = await snapshot(userId, quiz)
    expect(before).toMatchObject({ attempts: 3, best: { correct: 4, total: 6 } })

    // Out of attempts: no new draw, and a submission against the last draw id is refused.
    const blocked = await startQuizAttempt({ userId, quiz, policy, now: minutes(t0, 200) })
    expect(blocked).toMatchObject({ status: 'blocked', standing: { attemptsLeft: 0 } })
    const lastDraw = await db().quizDraw.findFirstOrThrow({
      where: { userId },
      orderBy: { createdAt: 'desc' },
      select: { id: true },
    })
    const fourth = await submit(
      userId,
      quiz,
      lastDraw.id,
      await answersFor(quiz, lastDraw.id),
      minutes(t0, 200),
    )
    expect(fourth).toMatchObject({ status: 'refused', reason: 'locked' })
    if (fourth.status === 'refused') expect(fourth.message).toContain('used all 3 attempts')

    expect(await snapshot(userId, quiz)).toEqual(before)
    expect(await refusals(userId, 'locked')).toBe(1)
    expect(await db().auditEvent.count({ where: { actorId: userId, action: 'quiz.attempt.submit' } })).toBe(3)
  })

  it('cannot skip the cool-down after the second failure', async () => {
    const userId = await newTestUser('Impatient')
    const quiz = await readContentQuiz('04-log-management')
    const t0 = new Date()
    for (const at of [t0, minutes(t0, 1)]) {
      const attempt = await openAttempt(userId, quiz, at)
      await submit(userId, quiz, attempt.attemptId, await answersFor(quiz, attempt.attemptId, 3), at)
    }
    // No new attempt opens during the cool-down...
    expect(await startQuizAttempt({ userId, quiz, policy, now: minutes(t0, 30) })).toMatchObject({
      status: 'blocked',
    })
    // ...and even an open draw in hand (opened at a later clock here) cannot be submitted during it.
    const early = await openAttempt(userId, quiz, minutes(t0, 61.5))
    const before = await snapshot(userId, quiz)
    const during = await submit(
      userId,
      quiz,
      early.attemptId,
      await answersFor(quiz, early.attemptId),
      minutes(t0, 30),
    )
    expect(during).toMatchObject({
      status: 'refused',
      reason: 'locked',
      retryAt: minutes(t0, 61).toISOString(),
    })
    expect(await snapshot(userId, quiz)).toEqual(before)
    expect(await refusals(userId, 'locked')).toBe(1)
  })

  it("cannot reuse another attempt's answer positions: choices are shuffled per attempt", async () => {
    const [ada, bob] = [await newTestUser('Ada'), await newTestUser('Bob')]
    const quiz = await readContentQuiz('07-performance-tuning')
    // Pinned draws with the same questions: Ada's choices in authored order, Bob's rotated.
    // (Fisher–Yates: the first pool-1 calls pick the questions, the rest shuffle each question's choices.)
    const pinned = (choice: (max: number) => number): RandomInt => {
      let calls = 0
      return (max) => (calls++ < quiz.questions.length - 1 ? 0 : choice(max))
    }
    const adaAttempt = await openAttempt(
      ada,
      quiz,
      new Date(),
      pinned((max) => max - 1),
    )
    const adaAnswers = await answersFor(quiz, adaAttempt.attemptId)
    const adaResult = await submit(ada, quiz, adaAttempt.attemptId, adaAnswers)
    expect(adaResult).toMatchObject({ status: 'graded', correct: 6, passed: true })

    const bobAttempt = await openAttempt(
      bob,
      quiz,
      new Date(),
      pinned(() => 0),
    )
    expect(bobAttempt.questions.map((q) => q.id)).toEqual(adaAttempt.questions.map((q) => q.id))
    const before = await snapshot(bob, quiz)
    const copied = await submit(bob, quiz, bobAttempt.attemptId, adaAnswers)
    expect(copied).toMatchObject({ status: 'graded', correct: 0, passed: false })
    const after = await snapshot(bob, quiz)
    expect(after.best).toMatchObject({ correct: 0, passed: false })
    expect(after.quizzes).toBe(before.quizzes ?? 0)
    expect(await db().auditEvent.count({ where: { actorId: bob, action: 'quiz.attempt.submit' } })).toBe(1)
  })

  it("cannot submit another learner's attempt, answer questions from another draw, or replay a submitted attempt", async () => {
    const [ada, eve] = [await newTestUser('Ada'), await newTestUser('Eve')]
    const quiz = await readContentQuiz('06-backup-and-recovery')
    const adaAttempt = await openAttempt(ada, quiz)
    const eveAttempt = await openAttempt(eve, quiz)
    const before = { ada: await snapshot(ada, quiz), eve: await snapshot(eve, quiz) }

    // Eve forges Ada's attempt id (with answers that would be right for it).
    const forgedId = await submit(
      eve,
      quiz,
      adaAttempt.attemptId,
      await answersFor(quiz, adaAttempt.attemptId),
    )
    expect(forgedId).toMatchObject({ status: 'refused', reason: 'invalid' })
    // Eve answers her own attempt with question ids that are not in it.
    const foreignIds = quiz.questions
      .map((q) => q.id)
      .filter((id) => !eveAttempt.questions.some((q) => q.id === id))
    const forgedQuestions = await submit(eve, quiz, eveAttempt.attemptId, {
      ...(await answersFor(quiz, eveAttempt.attemptId)),
      [foreignIds[0]!]: 0,
    })
    expect(forgedQuestions).toMatchObject({ status: 'refused', reason: 'invalid' })
    if (forgedQuestions.status === 'refused') expect(forgedQuestions.message).toContain(foreignIds[0]!)

    expect(await snapshot(ada, quiz)).toEqual(before.ada)
    expect(await snapshot(eve, quiz)).toEqual(before.eve)
    expect(await db().quizDraw.count({ where: { id: adaAttempt.attemptId, submittedAt: null } })).toBe(1)
    expect(await refusals(eve, 'invalid')).toBe(2)

    // A submitted attempt cannot be submitted again with better answers.
    await submit(eve, quiz, eveAttempt.attemptId, await answersFor(quiz, eveAttempt.attemptId, 4))
    const graded = await snapshot(eve, quiz)
    const replay = await submit(eve, quiz, eveAttempt.attemptId, await answersFor(quiz, eveAttempt.attemptId))
    expect(replay).toMatchObject({ status: 'refused', reason: 'invalid' })
    expect(await snapshot(eve, quiz)).toEqual(graded)
    expect(await refusals(eve, 'invalid')).toBe(3)
  })

  it('is rate limited: a burst of submissions is refused with the time to retry', async () => {
    const userId = await newTestUser('Burst')
    const quiz = await readContentQuiz('02-scaling-strategies')
    const attempt = await openAttempt(userId, quiz)
    const before = await snapshot(userId, quiz)
    const bad = { 'not-a-question': 0 }
    for (let i = 0; i < 5; i++)
      expect(await submit(userId, quiz, attempt.attemptId, bad)).toMatchObject({ reason: 'invalid' })
    const limited = await submit(userId, quiz, attempt.attemptId, await answersFor(quiz, attempt.attemptId))
    expect(limited).toMatchObject({ status: 'refused', reason: 'rate-limited' })
    if (limited.status === 'refused') {
      expect(limited.message).toMatch(/Too many submissions in a minute\. Wait \d+ seconds/)
      expect(new Date(limited.retryAt!).getTime()).toBeGreaterThan(Date.now())
    }
    expect(await snapshot(userId, quiz)).toEqual(before)
    expect(await refusals(userId, 'rate-limited')).toBe(1)
  })
})

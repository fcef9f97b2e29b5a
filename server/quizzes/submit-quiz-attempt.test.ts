// Against the real test database: attempts are stored and the best one is kept.
import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { db } from '@/server/db'
import { getBestQuizScore } from './get-best-quiz-score'
import { listQuizResults } from './list-quiz-results'
import { submitQuizAttempt } from './submit-quiz-attempt'
import { readContentQuiz } from './test-support/read-content-quiz'
import type { Quiz, QuizAnswers } from './types'

async function newUser(): Promise<string> {
  const id = randomUUID()
  await db().user.create({ data: { id, name: 'Quiz taker', email: `quiz-${id}@example.test` }, select: { id: true } })
  return id
}

/** Answers with the first `wrong` questions answered wrongly. */
function answersWith(quiz: Quiz, wrong: number): QuizAnswers {
  return Object.fromEntries(
    quiz.questions.map((q, i) => [q.id, i < wrong ? (q.answer + 1) % q.choices.length : q.answer]),
  )
}

describe('submitQuizAttempt', () => {
  it('stores each graded attempt and keeps the best score across attempts', async () => {
    const userId = await newUser()
    const quiz = await readContentQuiz('05-incident-response')
    const total = quiz.questions.length

    const first = await submitQuizAttempt({ userId, quiz, answers: answersWith(quiz, 3) })
    expect(first).toMatchObject({ status: 'graded', correct: total - 3, passed: false })
    if (first.status !== 'graded') throw new Error('not graded')
    expect(first.best).toMatchObject({ correct: total - 3, total, attempts: 1 })

    const second = await submitQuizAttempt({ userId, quiz, answers: answersWith(quiz, 0) })
    if (second.status !== 'graded') throw new Error('not graded')
    expect(second.best).toMatchObject({ correct: total, percent: 100, passed: true, attempts: 2 })

    // A worse attempt afterwards does not lower the best score.
    const third = await submitQuizAttempt({ userId, quiz, answers: answersWith(quiz, 2) })
    if (third.status !== 'graded') throw new Error('not graded')
    expect(third).toMatchObject({ correct: total - 2 })
    expect(third.best).toMatchObject({ correct: total, passed: true, attempts: 3 })

    const stored = await db().quizAttempt.findMany({
      where: { userId },
      select: { quizKey: true, correct: true, total: true, passed: true, answers: true },
      orderBy: { createdAt: 'asc' },
    })
    expect(stored.map((a) => a.correct)).toEqual([total - 3, total, total - 2])
    expect(stored[1]).toMatchObject({ quizKey: quiz.key, total, passed: true, answers: answersWith(quiz, 0) })
    expect(await getBestQuizScore({ userId, quizKey: quiz.key })).toMatchObject({ correct: total, attempts: 3 })
  })

  it('stores nothing when a question is unanswered', async () => {
    const userId = await newUser()
    const quiz = await readContentQuiz('05-incident-response')
    const answers = answersWith(quiz, 0)
    delete answers[quiz.questions[1]!.id]
    const result = await submitQuizAttempt({ userId, quiz, answers })
    expect(result).toEqual({ status: 'incomplete', unanswered: [quiz.questions[1]!.id] })
    expect(await db().quizAttempt.count({ where: { userId } })).toBe(0)
    expect(await getBestQuizScore({ userId, quizKey: quiz.key })).toBeNull()
  })

  it("lists best results per quiz and keeps learners' scores apart", async () => {
    const [ada, bob] = [await newUser(), await newUser()]
    const architecture = await readContentQuiz('01-production-architecture')
    const incidents = await readContentQuiz('05-incident-response')
    await submitQuizAttempt({ userId: ada, quiz: architecture, answers: answersWith(architecture, 1) })
    await submitQuizAttempt({ userId: bob, quiz: architecture, answers: answersWith(architecture, 0) })

    const results = await listQuizResults({ userId: ada, quizKeys: [architecture.key, incidents.key] })
    expect(results[architecture.key]).toMatchObject({
      correct: architecture.questions.length - 1,
      total: architecture.questions.length,
      attempts: 1,
    })
    expect(results[incidents.key]).toBeNull()
    expect(await listQuizResults({ userId: ada, quizKeys: [] })).toEqual({})
  })
})

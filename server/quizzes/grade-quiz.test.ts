import { describe, expect, it } from 'vitest'
import { gradeQuiz, scoreOf } from './grade-quiz'
import { readContentQuiz } from './test-support/read-content-quiz'
import { toPublicQuiz } from './to-public-quiz'
import type { Quiz, QuizAnswers } from './types'

const allCorrect = (quiz: Quiz): QuizAnswers => Object.fromEntries(quiz.questions.map((q) => [q.id, q.answer]))
const wrongChoice = (q: Quiz['questions'][number]) => (q.answer + 1) % q.choices.length

describe('gradeQuiz', () => {
  it('gives full marks for the answer key of the real incident-response quiz', async () => {
    const quiz = await readContentQuiz('05-incident-response')
    const result = gradeQuiz(quiz, allCorrect(quiz))
    expect(result).toMatchObject({ status: 'graded', correct: quiz.questions.length, total: quiz.questions.length, percent: 100, passed: true })
  })

  it('marks each wrong answer and returns its explanation', async () => {
    const quiz = await readContentQuiz('05-incident-response')
    const [first, second] = quiz.questions
    const answers = { ...allCorrect(quiz), [first!.id]: wrongChoice(first!), [second!.id]: wrongChoice(second!) }
    const result = gradeQuiz(quiz, answers)
    if (result.status !== 'graded') throw new Error(`expected graded, got ${result.status}`)
    expect(result.correct).toBe(quiz.questions.length - 2)
    expect(result.results[0]).toEqual({
      questionId: first!.id,
      chosen: wrongChoice(first!),
      correct: false,
      explanation: first!.explanation,
    })
    expect(result.results[2]?.correct).toBe(true)
  })

  it('passes exactly at passPercent and fails just below it', () => {
    // 7 of 10 is exactly 70%; 69/100 is not, even though it rounds to 69.
    expect(scoreOf(7, 10, 70).passed).toBe(true)
    expect(scoreOf(69, 100, 70).passed).toBe(false)
    // 2 of 3 is 66.67%: rounds to 67 for display and does not pass 67 (the real fraction is lower).
    expect(scoreOf(2, 3, 67)).toEqual({ correct: 2, total: 3, percent: 67, passed: false })
    expect(scoreOf(0, 0, 0).passed).toBe(false)
  })

  it('reports every unanswered question and grades nothing', async () => {
    const quiz = await readContentQuiz('01-production-architecture')
    const [first, ...rest] = quiz.questions
    const result = gradeQuiz(quiz, { [first!.id]: first!.answer })
    expect(result).toEqual({ status: 'incomplete', unanswered: rest.map((q) => q.id) })
  })

  it.each([
    ['an index past the last choice', 99],
    ['a negative index', -1],
    ['a fractional index', 0.5],
  ])('refuses %s', async (_label, choice) => {
    const quiz = await readContentQuiz('01-production-architecture')
    const first = quiz.questions[0]!
    const result = gradeQuiz(quiz, { ...allCorrect(quiz), [first.id]: choice })
    expect(result.status).toBe('invalid')
  })

  it('refuses answers to questions the quiz does not have (a stale page)', async () => {
    const quiz = await readContentQuiz('01-production-architecture')
    const result = gradeQuiz(quiz, { ...allCorrect(quiz), 'removed-question': 0 })
    expect(result).toMatchObject({ status: 'invalid' })
    if (result.status === 'invalid') expect(result.message).toContain('removed-question')
  })
})

describe('toPublicQuiz', () => {
  it('keeps prompts and choices and leaks no answer or explanation, for every module quiz', async () => {
    const modules = [
      '01-production-architecture',
      '02-scaling-strategies',
      '03-monitoring-and-observability',
      '04-log-management',
      '05-incident-response',
      '06-backup-and-recovery',
      '07-performance-tuning',
    ]
    for (const moduleSlug of modules) {
      const quiz = await readContentQuiz(moduleSlug)
      const publicQuiz = toPublicQuiz(quiz)
      const serialized = JSON.stringify(publicQuiz)
      expect(serialized).not.toMatch(/"answer"|"explanation"/)
      for (const question of quiz.questions) expect(serialized).not.toContain(question.explanation)
      expect(publicQuiz.questions.map((q) => Object.keys(q).sort())).toEqual(
        quiz.questions.map(() => ['choices', 'id', 'prompt']),
      )
      expect(publicQuiz.questions.map((q) => q.choices)).toEqual(quiz.questions.map((q) => q.choices))
      expect(publicQuiz).toMatchObject({ key: quiz.key, title: quiz.title, passPercent: quiz.passPercent })
    }
  })
})

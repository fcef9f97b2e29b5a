import { describe, expect, it } from 'vitest'
import { drawQuestions, readDraw, toPublicAttempt } from './start-quiz-attempt'
import { readContentQuiz } from './test-support/read-content-quiz'

const modules = [
  '01-production-architecture',
  '02-scaling-strategies',
  '03-monitoring-and-observability',
  '04-log-management',
  '05-incident-response',
  '06-backup-and-recovery',
  '07-performance-tuning',
]

describe('drawQuestions', () => {
  it('draws questionsPerAttempt distinct questions, each with a permutation of its choices', async () => {
    const quiz = await readContentQuiz('01-production-architecture')
    const draw = drawQuestions(quiz)
    expect(draw).toHaveLength(6)
    expect(new Set(draw.map((d) => d.questionId)).size).toBe(6)
    for (const d of draw) {
      const question = quiz.questions.find((q) => q.id === d.questionId)!
      expect([...d.order].sort()).toEqual(question.choices.map((_, i) => i))
    }
    expect(readDraw(quiz, JSON.parse(JSON.stringify(draw)))).toEqual(draw)
  })

  it('varies the questions and the position of the right answer between draws', async () => {
    const quiz = await readContentQuiz('05-incident-response')
    const draws = Array.from({ length: 40 }, () => drawQuestions(quiz))
    const questionSets = new Set(
      draws.map((d) =>
        d
          .map((q) => q.questionId)
          .sort()
          .join(),
      ),
    )
    expect(questionSets.size).toBeGreaterThan(30)
    // Over 240 drawn questions the right answer lands in every shown position.
    const positions = new Set(
      draws.flat().map((d) => d.order.indexOf(quiz.questions.find((q) => q.id === d.questionId)!.answer)),
    )
    expect([...positions].sort()).toEqual([0, 1, 2, 3])
  })

  it('refuses a stored draw that names a question the pool does not have, or a broken order', async () => {
    const quiz = await readContentQuiz('01-production-architecture')
    const [first] = drawQuestions(quiz)
    expect(readDraw(quiz, [{ questionId: 'gone', order: [0, 1, 2, 3] }])).toBeNull()
    expect(readDraw(quiz, [{ questionId: first!.questionId, order: [0, 0, 1, 2] }])).toBeNull()
    expect(readDraw(quiz, 'not a draw')).toBeNull()
  })
})

describe('toPublicAttempt', () => {
  it('hands the browser prompts and shuffled choices only: no answer, explanation or topic, for every module', async () => {
    for (const moduleSlug of modules) {
      const quiz = await readContentQuiz(moduleSlug)
      const draw = drawQuestions(quiz)
      const attempt = toPublicAttempt(quiz, 'attempt-1', draw)
      const serialized = JSON.stringify(attempt)
      expect(serialized).not.toMatch(/"answer"|"explanation"|"topic"|"order"/)
      for (const question of quiz.questions) expect(serialized).not.toContain(question.explanation)
      expect(attempt.questions.map((q) => Object.keys(q).sort())).toEqual(
        draw.map(() => ['choices', 'id', 'prompt']),
      )
      for (const [i, q] of attempt.questions.entries()) {
        const source = quiz.questions.find((p) => p.id === q.id)!
        expect(q.choices).toEqual(draw[i]!.order.map((j) => source.choices[j]))
      }
      expect(attempt).toMatchObject({
        attemptId: 'attempt-1',
        key: quiz.key,
        title: quiz.title,
        passPercent: quiz.passPercent,
      })
    }
  })
})

// Keeps the knowledge checks honest as content: a learner who has not read the lessons must not
// be able to pass by picking the longest choice or a favourite position (issue 11). Checked on
// the authored order, which is also what every attempt's shuffle starts from.
import { beforeAll, describe, expect, it } from 'vitest'
import { loadCourse, type Course } from './load-content'

let course: Course
beforeAll(async () => {
  course = await loadCourse('production-operations')
})

const allQuestions = () => course.modules.flatMap((m) => m.quiz.questions.map((q) => ({ module: m.slug, ...q })))

describe('knowledge check content', () => {
  it('makes the correct choice the strictly or jointly longest in at most 35% of questions', () => {
    const questions = allQuestions()
    const longest = questions.filter((q) => {
      const lengths = q.choices.map((c) => c.length)
      return lengths[q.answer] === Math.max(...lengths)
    })
    expect(longest.length / questions.length, longest.map((q) => q.id).join(', ')).toBeLessThanOrEqual(0.35)
  })

  it('puts the correct choice in each position in 15–35% of questions', () => {
    const questions = allQuestions()
    const positions = Math.max(...questions.map((q) => q.choices.length))
    for (let position = 0; position < positions; position++) {
      const share = questions.filter((q) => q.answer === position).length / questions.length
      expect(share, `position ${position + 1}`).toBeGreaterThanOrEqual(0.15)
      expect(share, `position ${position + 1}`).toBeLessThanOrEqual(0.35)
    }
  })

  it('has at least 12 questions per module, each with a topic to review and no duplicate choices', () => {
    for (const m of course.modules) {
      expect(m.quiz.questions.length, m.slug).toBeGreaterThanOrEqual(12)
      for (const q of m.quiz.questions) {
        expect(m.lessons.map((l) => l.slug), q.id).toContain(q.topic.lesson)
        expect(new Set(q.choices).size, q.id).toBe(q.choices.length)
      }
    }
    const ids = allQuestions().map((q) => `${q.module}/${q.id}`)
    expect(new Set(ids).size).toBe(ids.length)
  })
})

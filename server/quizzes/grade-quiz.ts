import 'server-only'
import type { GradeResult, Quiz, QuizAnswers, QuizScore } from './types'

/** Score arithmetic in one place: pass when correct/total reaches passPercent, no rounding games. */
export function scoreOf(correct: number, total: number, passPercent: number): QuizScore {
  return {
    correct,
    total,
    percent: total === 0 ? 0 : Math.round((correct / total) * 100),
    passed: total > 0 && correct * 100 >= passPercent * total,
  }
}

/**
 * Grades a learner's answers against the real quiz. Pure: the caller stores the attempt.
 * Every question must be answered with an index of one of its choices; answers to questions
 * the quiz does not have are refused rather than ignored, since they mean a stale page.
 */
export function gradeQuiz(quiz: Quiz, answers: QuizAnswers): GradeResult {
  const known = new Set(quiz.questions.map((q) => q.id))
  const unknown = Object.keys(answers).filter((id) => !known.has(id))
  if (unknown.length > 0) {
    return {
      status: 'invalid',
      message: `This quiz has changed since the page was loaded (unknown question ${unknown.join(', ')}). Reload the page and answer again.`,
    }
  }

  const unanswered = quiz.questions.filter((q) => answers[q.id] === undefined).map((q) => q.id)
  if (unanswered.length > 0) return { status: 'incomplete', unanswered }

  const results = []
  for (const question of quiz.questions) {
    const chosen = answers[question.id] as number
    if (!Number.isInteger(chosen) || chosen < 0 || chosen >= question.choices.length) {
      return {
        status: 'invalid',
        message: `The answer to question "${question.id}" is not one of its choices. Reload the page and answer again.`,
      }
    }
    results.push({
      questionId: question.id,
      chosen,
      correct: chosen === question.answer,
      explanation: question.explanation,
    })
  }
  const correct = results.filter((r) => r.correct).length
  return { status: 'graded', results, ...scoreOf(correct, quiz.questions.length, quiz.passPercent) }
}

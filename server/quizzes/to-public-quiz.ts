import 'server-only'
import type { PublicQuiz, Quiz } from './types'

/**
 * The quiz as the browser may see it before submission: no answer key, no explanations.
 * Built field by field (not by deleting keys) so a field added to `Quiz` later stays private
 * until someone decides otherwise.
 */
export function toPublicQuiz(quiz: Quiz): PublicQuiz {
  return {
    key: quiz.key,
    title: quiz.title,
    passPercent: quiz.passPercent,
    questions: quiz.questions.map((question) => ({
      id: question.id,
      prompt: question.prompt,
      choices: [...question.choices],
    })),
  }
}

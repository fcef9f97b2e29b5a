// Test helpers: the real quizzes from content (no copy that could drift), and answers computed
// from a stored draw, which only a test (reading the database) can know.
import { randomUUID } from 'node:crypto'
import { loadCourse } from '@/server/content/load-content'
import { db } from '@/server/db'
import type { Quiz, QuizAnswers } from '../types'

/** The quiz of one module folder (e.g. "05-incident-response"), as the app loads it. */
export async function readContentQuiz(moduleFolder: string): Promise<Quiz> {
  const course = await loadCourse('production-operations')
  const mod = course.modules.find((m) => m.folder === moduleFolder)
  if (!mod) throw new Error(`no module folder ${moduleFolder}`)
  return mod.quiz
}

export async function newTestUser(label = 'Quiz taker'): Promise<string> {
  const id = randomUUID()
  await db().user.create({
    data: { id, name: label, email: `quiz-${id}@example.test` },
    select: { id: true },
  })
  return id
}

/** Answers (as shown in that attempt) to the draw `attemptId`, the first `wrong` of them wrong. */
export async function answersFor(quiz: Quiz, attemptId: string, wrong = 0): Promise<QuizAnswers> {
  const draw = await db().quizDraw.findUniqueOrThrow({
    where: { id: attemptId },
    select: { questions: true },
  })
  const drawn = draw.questions as unknown as { questionId: string; order: number[] }[]
  return Object.fromEntries(
    drawn.map(({ questionId, order }, i) => {
      const right = order.indexOf(quiz.questions.find((q) => q.id === questionId)!.answer)
      return [questionId, i < wrong ? (right + 1) % order.length : right]
    }),
  )
}

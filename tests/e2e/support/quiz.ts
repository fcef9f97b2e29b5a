import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type { Page } from '@playwright/test'
import { parse } from 'yaml'

export interface QuizFile {
  passPercent: number
  questionsPerAttempt: number
  questions: { id: string; prompt: string; choices: string[]; answer: number; explanation: string }[]
}

/** The real quiz pool of one module folder from content: the test knows the key, the browser must not. */
export async function readQuizFile(moduleFolder: string): Promise<QuizFile> {
  const file = path.resolve(
    import.meta.dirname,
    `../../../content/courses/production-operations/modules/${moduleFolder}/quiz.yaml`,
  )
  return parse(await readFile(file, 'utf8')) as QuizFile
}

/**
 * Answers the questions this attempt drew (whatever their order and the order of their choices),
 * picking each choice by its text: the right one, or for `wrong` questions (by shown position) a wrong one.
 * Returns the ids of the drawn questions in the order shown.
 */
export async function answerDrawnQuestions(
  page: Page,
  quiz: QuizFile,
  wrong: (index: number) => boolean = () => false,
) {
  const items = page.locator('li[data-question]')
  const ids = await items.evaluateAll((els) => els.map((el) => el.getAttribute('data-question') ?? ''))
  for (const [index, id] of ids.entries()) {
    const question = quiz.questions.find((q) => q.id === id)
    if (!question) throw new Error(`the page shows a question that is not in the pool: ${id}`)
    const choice = wrong(index) ? (question.answer + 1) % question.choices.length : question.answer
    await page
      .getByRole('group', { name: question.prompt })
      .getByRole('radio', { name: question.choices[choice]!, exact: true })
      .check()
  }
  return ids
}

import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { parse } from 'yaml'
import { expect, signIn, test } from './support/fixtures'

interface QuizFile {
  passPercent: number
  questions: { id: string; prompt: string; choices: string[]; answer: number; explanation: string }[]
}

// The real quiz from content: the test knows the key, the browser must not.
async function incidentResponseQuiz(): Promise<QuizFile> {
  const file = path.resolve(import.meta.dirname, '../../content/courses/production-operations/modules/05-incident-response/quiz.yaml')
  return parse(await readFile(file, 'utf8')) as QuizFile
}

const quizPath = '/courses/production-operations/quiz/incident-response'

test('a learner completes a knowledge check, sees the score and the explanations, and keeps the best score', async ({ page, learner }) => {
  const quiz = await incidentResponseQuiz()
  const total = quiz.questions.length
  await signIn(page, learner)
  await expect(page).toHaveURL(/\/dashboard$/)
  await page.goto(quizPath)
  await expect(page.getByRole('heading', { name: /Knowledge check/ })).toBeVisible()

  // Before submission the page carries no answer key: no explanation anywhere in the HTML
  // (which includes the data handed to client components).
  const html = await page.content()
  for (const question of quiz.questions) expect(html).not.toContain(question.explanation)

  // Submitting with unanswered questions is refused, and nothing is graded.
  const first = quiz.questions[0]!
  await page.getByRole('group', { name: first.prompt }).getByRole('radio', { name: first.choices[first.answer]! }).check()
  await page.getByRole('button', { name: 'Submit answers' }).click()
  await expect(page.getByRole('alert').filter({ hasText: 'Answer every question before submitting' })).toBeVisible()
  await expect(page.getByText('Choose an answer.')).toHaveCount(total - 1)

  // Answer all but the last one correctly; the last one wrongly.
  const wrong = quiz.questions[total - 1]!
  const wrongChoice = (wrong.answer + 1) % wrong.choices.length
  for (const question of quiz.questions) {
    const choice = question === wrong ? wrongChoice : question.answer
    // Keyboard-friendly native radios, named by their choice text, grouped by the prompt.
    await page.getByRole('group', { name: question.prompt }).getByRole('radio', { name: question.choices[choice]!, exact: true }).check()
  }
  await page.getByRole('button', { name: 'Submit answers' }).click()

  const percent = Math.round(((total - 1) / total) * 100)
  const passed = (total - 1) * 100 >= quiz.passPercent * total
  await expect(page.getByTestId('quiz-score')).toContainText(`${total - 1} of ${total} — ${percent}% · ${passed ? 'Passed' : 'Not passed yet'}`)
  const wrongGroup = page.getByRole('group', { name: wrong.prompt })
  await expect(wrongGroup).toContainText('Incorrect.')
  await expect(wrongGroup).toContainText(wrong.explanation)
  await expect(page.getByRole('group', { name: first.prompt })).toContainText(`Correct. ${first.explanation}`)

  // Try again resets the form; a perfect attempt becomes the best score.
  await page.getByRole('button', { name: 'Try again' }).click()
  await expect(page.getByTestId('quiz-score')).toHaveCount(0)
  await expect(page.getByRole('radio', { checked: true })).toHaveCount(0)
  for (const question of quiz.questions) {
    await page.getByRole('group', { name: question.prompt }).getByRole('radio', { name: question.choices[question.answer]!, exact: true }).check()
  }
  await page.getByRole('button', { name: 'Submit answers' }).click()
  await expect(page.getByTestId('quiz-score')).toContainText(`${total} of ${total} — 100% · Passed`)

  // The best score is stored: it is shown again after a reload.
  await page.reload()
  await expect(page.getByTestId('quiz-best')).toContainText(`Your best so far: ${total} of ${total} — 100% (passed) · 2 attempts`)
})

import { expect, signIn, test } from './support/fixtures'
import { answerDrawnQuestions, readQuizFile } from './support/quiz'

const quizPath = '/courses/production-operations/quiz/incident-response'

test('a failed attempt shows the score and topics to review, never which answers were right; the third attempt waits for a cool-down', async ({
  page,
  learner,
}) => {
  const quiz = await readQuizFile('05-incident-response')
  await signIn(page, learner)
  await expect(page).toHaveURL(/\/dashboard$/)
  await page.goto(quizPath)
  await expect(page.getByRole('heading', { name: /Knowledge check/ })).toBeVisible()
  await expect(page.getByTestId('quiz-policy')).toContainText('6 questions drawn from a pool of')
  await expect(page.getByTestId('quiz-policy')).toContainText('3 attempts')

  // The page carries no answer key: no explanation anywhere in the HTML (which includes the
  // data handed to client components), and only the 6 drawn questions.
  const html = await page.content()
  for (const question of quiz.questions) expect(html).not.toContain(question.explanation)
  await expect(page.locator('li[data-question]')).toHaveCount(quiz.questionsPerAttempt)

  // Submitting with unanswered questions is refused, and nothing is graded.
  await page.getByRole('button', { name: 'Submit answers' }).click()
  await expect(
    page.getByRole('alert').filter({ hasText: 'Answer every question before submitting' }),
  ).toBeVisible()
  await expect(page.getByText('Choose an answer.')).toHaveCount(quiz.questionsPerAttempt)

  // Attempt 1: two wrong. The score and topics appear, but no question is marked right or wrong.
  const firstDraw = await answerDrawnQuestions(page, quiz, (i) => i < 2)
  await page.getByRole('button', { name: 'Submit answers' }).click()
  await expect(page.getByTestId('quiz-score')).toContainText('4 of 6 — 67% · Not passed yet')
  await expect(page.getByTestId('quiz-score')).toContainText('You have 2 attempts left')
  await expect(page.getByTestId('quiz-topics').getByRole('link').first()).toHaveAttribute(
    'href',
    /^\/courses\/production-operations\/[a-z-]+#/,
  )
  await expect(page.getByText(/^(Correct|Incorrect)\./)).toHaveCount(0)
  for (const question of quiz.questions) await expect(page.getByText(question.explanation)).toHaveCount(0)

  // Attempt 2 is a new draw, shown at once; the topics of attempt 1 stay on the page.
  await page.getByRole('button', { name: 'Start attempt 2' }).click()
  await expect(page.locator('li[data-question]')).toHaveCount(quiz.questionsPerAttempt)
  await expect(page.getByTestId('quiz-topics')).toBeVisible()
  const secondDraw = await page
    .locator('li[data-question]')
    .evaluateAll((els) => els.map((el) => el.getAttribute('data-question')))
  expect(secondDraw.join()).not.toBe(firstDraw.join())
  await answerDrawnQuestions(page, quiz, (i) => i < 3)
  await page.getByRole('button', { name: 'Submit answers' }).click()
  await expect(page.getByTestId('quiz-score')).toContainText('3 of 6 — 50% · Not passed yet')
  await expect(page.getByTestId('quiz-blocked')).toContainText('Your next attempt opens at')
  await expect(page.getByTestId('quiz-blocked')).toContainText('1-hour cool-down')

  // After a reload: no questions, the cool-down with a countdown, the best score so far, no review.
  await page.reload()
  await expect(page.locator('li[data-question]')).toHaveCount(0)
  await expect(page.getByTestId('quiz-blocked')).toContainText('Your next attempt opens at')
  await expect(page.getByTestId('quiz-countdown')).toContainText(/Next attempt in (59|60):\d\d/)
  await expect(page.getByTestId('quiz-best')).toContainText(
    'Your best so far: 4 of 6 — 67% · 2 of 3 attempts used',
  )
  await expect(page.getByTestId('quiz-review')).toHaveCount(0)
})

test('a learner who passes sees the full review of every attempt and takes no more attempts', async ({
  page,
  learner,
}) => {
  const quiz = await readQuizFile('05-incident-response')
  await signIn(page, learner)
  await expect(page).toHaveURL(/\/dashboard$/)
  await page.goto(quizPath)
  // The same draw after a reload: questions and choices in the same order.
  const choices = () => page.locator('li[data-question] label').allInnerTexts()
  const before = await choices()
  await page.reload()
  expect(await choices()).toEqual(before)

  await answerDrawnQuestions(page, quiz)
  await page.getByRole('button', { name: 'Submit answers' }).click()
  await expect(page.getByTestId('quiz-score')).toContainText('6 of 6 — 100% · Passed')
  await page.getByRole('button', { name: 'Show the review' }).click()

  const review = page.getByTestId('quiz-review')
  await expect(review).toContainText('Attempt 1: 6 of 6 — 100% (passed)')
  await expect(review.locator('strong', { hasText: /^Correct\.$/ })).toHaveCount(quiz.questionsPerAttempt)
  await expect(review).toContainText('— correct answer — your choice')
  await expect(page.getByTestId('quiz-blocked')).toContainText('You have passed this knowledge check')
  await expect(page.locator('li[data-question]')).toHaveCount(0)
  await expect(page.getByTestId('quiz-best')).toContainText(
    'Your best so far: 6 of 6 — 100% (passed) · 1 of 3 attempts used',
  )
})

import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type { Browser, Page } from '@playwright/test'
import { ensureTestShellImage } from '../../lab-runner/test-fixtures/test-images'
import { createTestAccount } from './support/accounts'
import { e2e } from './support/e2e-env'
import { watchBrowserProblems } from './support/browser-problems'
import { expect, PROVOKED_STATUSES, signIn, test } from './support/fixtures'
import { answerDrawnQuestions, readQuizFile } from './support/quiz'
import { backdateReadSession } from './support/reading-time'

const COURSE = 'production-operations'
const LESSON = { slug: 'runbook-creation', title: 'Runbook Creation' }
const QUIZ_MODULE = 'incident-response'

/** A second signed-in browser, failing on console errors like the `page` fixture. */
async function pageFor(
  browser: Browser,
  account: { email: string; password: string },
): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext()
  const page = await context.newPage()
  const problems = watchBrowserProblems(page, { provokedStatuses: PROVOKED_STATUSES })
  await signIn(page, account)
  await expect(page).toHaveURL(/\/dashboard$/)
  return { page, problems }
}

async function createCohortWithInvite(
  page: Page,
  name: string,
): Promise<{ cohortUrl: string; code: string; link: string }> {
  await page.goto('/instructor')
  await page.getByLabel('Cohort name').fill(name)
  await page.getByRole('button', { name: 'Create cohort' }).click()
  await expect(page).toHaveURL(/\/instructor\/cohorts\/[0-9a-f-]+\/members$/)
  await expect(page.getByTestId('cohort-name')).toHaveText(name)
  const cohortUrl = new URL(page.url()).pathname.replace(/\/members$/, '')
  await page.getByLabel('Expires in (days)').fill('3')
  await page.getByRole('button', { name: 'Create invite' }).click()
  await expect(page.getByRole('status').filter({ hasText: /^Invite .* created\.$/ })).toBeVisible()
  const code = (await page.getByTestId('invite-code').first().textContent())!.trim()
  const link = (await page.getByTestId('invite-link').first().textContent())!.trim()
  expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/)
  expect(link).toMatch(new RegExp(`/join/${code}$`))
  return { cohortUrl, code, link }
}

test('an instructor runs a cohort: invite, learner progress in the matrix, CSV and JSON API; others are kept out', async ({
  page,
  instructor,
  learner,
  browser,
}) => {
  test.setTimeout(120_000)
  const quiz = await readQuizFile('05-incident-response')
  await signIn(page, instructor)
  await expect(page).toHaveURL(/\/dashboard$/)
  const cohortName = `Cohort A ${Date.now()}`
  const { cohortUrl, link } = await createCohortWithInvite(page, cohortName)

  // A second instructor with a cohort of their own. Every sign-in happens early: the auth
  // server allows only a few sign-ins per 10 s from one address, and the next test signs in too.
  const other = await createTestAccount('instructor')
  const otherSide = await pageFor(browser, other)
  await createCohortWithInvite(otherSide.page, `Cohort B ${Date.now()}`)

  // The learner opens the invite link, joins, completes a lesson and passes a quiz.
  const learnerSide = await pageFor(browser, learner)
  const lp = learnerSide.page
  await lp.goto(new URL(link).pathname)
  await expect(lp.getByText(`You are invited to ${cohortName}`)).toBeVisible()
  await lp.getByRole('button', { name: `Join ${cohortName}` }).click()
  await expect(lp).toHaveURL(/\/dashboard\?joined=/)
  await expect(lp.getByTestId('your-cohorts')).toContainText(cohortName)
  await lp.goto(`/courses/${COURSE}/${LESSON.slug}`)
  await backdateReadSession(learner.email, `${COURSE}/${LESSON.slug}`, 15 * 60)
  await lp.getByRole('link', { name: /Next →/ }).scrollIntoViewIfNeeded()
  await expect(lp.getByTestId('lesson-completed')).toBeVisible()
  await lp.goto(`/courses/${COURSE}/quiz/${QUIZ_MODULE}`)
  await answerDrawnQuestions(lp, quiz)
  await lp.getByRole('button', { name: 'Submit answers' }).click()
  await expect(lp.getByTestId('quiz-score')).toContainText('100%')
  await lp.goto('/dashboard')
  await expect(lp.getByTestId('your-grade')).toContainText('%')

  // The learner cannot open instructor pages, this cohort, its CSV or the grading API.
  for (const url of ['/instructor', cohortUrl, `${cohortUrl}/members`, '/instructor/tokens']) {
    const response = await lp.goto(url)
    expect(response?.status(), url).toBe(403)
  }
  expect((await lp.request.get(`${cohortUrl}/gradebook.csv`)).status()).toBe(403)
  expect((await lp.request.get('/api/grading/cohorts')).status()).toBe(401)

  // The instructor sees the lesson and the quiz in the matrix…
  await page.goto(cohortUrl)
  const row = page.getByTestId('matrix-row').filter({ hasText: learner.name })
  await expect(row).toHaveCount(1)
  await expect(row.locator(`td[data-item="lesson:${COURSE}/${LESSON.slug}"]`)).toHaveAttribute(
    'data-status',
    'done',
  )
  const quizCell = row.locator(`td[data-item="quiz:${COURSE}/${QUIZ_MODULE}"]`)
  await expect(quizCell).toHaveAttribute('data-status', 'done')
  await expect(quizCell).toContainText('100')
  await expect(page.getByTestId('matrix-count')).toContainText('1 of 1 learners')

  // …and the module filter narrows the columns to that module.
  await page.getByLabel('Module').selectOption({ label: 'Incident Response' })
  await page.getByRole('button', { name: 'Apply' }).click()
  await expect(page).toHaveURL(/group=incident-response/)
  await expect(row.locator('td[data-item]')).toHaveCount(4)

  // …in the learner's timeline…
  await row.getByRole('link', { name: learner.name }).click()
  await expect(page.getByTestId('learner-name')).toHaveText(learner.name)
  await expect(page.getByTestId('timeline')).toContainText(LESSON.title)
  await expect(page.getByTestId('timeline')).toContainText('passed')
  // …with every quiz attempt, answers included…
  await expect(page.getByTestId('quiz-attempts')).toContainText(
    'Incident Response — 1 of 3 attempts, best 6/6 (passed)',
  )

  // …and in the CSV, which opens cleanly in a spreadsheet.
  await page.goto(`${cohortUrl}/gradebook`)
  const download = page.waitForEvent('download')
  await page.getByTestId('csv-link').click()
  const file = await (await download).path()
  const bytes = await readFile(file)
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
  const csv = bytes.toString('utf8').slice(1)
  const lines = csv.split('\r\n')
  expect(lines[0]).toMatch(/^"Name","Email",/)
  const header = lines[0]!.split('","')
  const learnerLine = lines.find((l) => l.includes(learner.email))
  expect(learnerLine, 'learner row in the CSV').toBeDefined()
  const lessonColumn = header.findIndex((h) => h.endsWith(LESSON.title))
  const quizColumn = header.findIndex((h) => h.includes('Quiz: Incident Response'))
  const cells = learnerLine!.split(',')
  expect(cells[lessonColumn]).toBe('100')
  expect(cells[quizColumn]).toBe('100')

  // The JSON grading API with a personal token (shown once).
  await page.goto('/instructor/tokens')
  await page.getByLabel('Name').fill('CI grader')
  await page.getByLabel('Write overrides').check()
  await page.getByRole('button', { name: 'Create token' }).click()
  const token = (await page.getByTestId('secret').textContent())!.trim()
  expect(token).toMatch(/^hxa_/)
  const cohortId = cohortUrl.split('/').pop()!
  const api = await page.request.get(`/api/grading/cohorts/${cohortId}/grades`, {
    headers: { authorization: `Bearer ${token}` },
  })
  expect(api.status()).toBe(200)
  const grades = (await api.json()) as {
    learners: { userId: string; email: string; items: Record<string, { score: number | null }> }[]
  }
  expect(grades.learners.map((l) => l.email)).toEqual([learner.email])
  expect(grades.learners[0]!.items[`quiz:${COURSE}/${QUIZ_MODULE}`]!.score).toBe(100)
  const bad = await page.request.get(`/api/grading/cohorts/${cohortId}/grades`, {
    headers: { authorization: 'Bearer hxa_wrong' },
  })
  expect(bad.status()).toBe(401)

  // A pipeline records a final grade through the API; the gradebook and the audit log show it.
  const learnerId = grades.learners[0]!.userId
  const override = await page.request.post('/api/grading/overrides', {
    headers: { authorization: `Bearer ${token}` },
    data: {
      userId: learnerId,
      courseSlug: COURSE,
      itemKey: 'final',
      percent: 92,
      reason: 'Capstone reviewed',
    },
  })
  expect(override.status(), await override.text()).toBe(200)
  await page.goto(`${cohortUrl}/gradebook`)
  await expect(
    page.getByTestId('gradebook').getByRole('row').filter({ hasText: learner.name }),
  ).toContainText('92% hand-graded')
  await page.goto('/instructor/audit')
  await expect(
    page.getByTestId('audit-log').getByRole('row').filter({ hasText: 'grade.override' }),
  ).toContainText('Capstone reviewed')

  // An instructor of another cohort cannot see this one.
  for (const url of [cohortUrl, `${cohortUrl}/members`, `${cohortUrl}/gradebook`]) {
    const response = await otherSide.page.goto(url)
    expect(response?.status(), url).toBe(403)
  }
  expect((await otherSide.page.request.get(`${cohortUrl}/gradebook.csv`)).status()).toBe(403)
  await otherSide.page.goto('/instructor')
  await expect(otherSide.page.getByRole('link', { name: cohortName })).toHaveCount(0)

  expect(learnerSide.problems, 'learner browser errors').toEqual([])
  expect(otherSide.problems, 'other instructor browser errors').toEqual([])
})

/** The e2e runner's REST API, with the token the launcher generated for this platform. */
function runnerApi(method: string, url: string): Promise<Response> {
  const token = readFileSync(path.join(e2e.dataDir, 'runner-token'), 'utf8').trim()
  return fetch(`${e2e.runnerUrl}${url}`, { method, headers: { authorization: `Bearer ${token}` } })
}
async function sandboxIds(): Promise<string[]> {
  const listed = (await (await runnerApi('GET', '/v1/sandboxes')).json()) as {
    sandboxes: Array<{ id: string }>
  }
  return listed.sandboxes.map((s) => s.id)
}

test('an instructor watches a learner terminal read-only, and the learner is told', async ({
  page,
  instructor,
  learner,
  browser,
}) => {
  test.setTimeout(180_000)
  ensureTestShellImage()
  await signIn(page, instructor)
  await expect(page).toHaveURL(/\/dashboard$/)
  const cohortName = `Watched ${Date.now()}`
  const { cohortUrl, link } = await createCohortWithInvite(page, cohortName)

  const learnerSide = await pageFor(browser, learner)
  const lp = learnerSide.page
  await lp.goto(new URL(link).pathname)
  await lp.getByRole('button', { name: `Join ${cohortName}` }).click()
  await expect(lp).toHaveURL(/\/dashboard\?joined=/)

  const before = await sandboxIds()
  const created: string[] = []
  try {
    await lp.goto('/labs')
    await lp.getByRole('link', { name: 'Sample lab' }).click()
    await lp.getByRole('button', { name: 'Start lab' }).click()
    await expect.poll(async () => (await sandboxIds()).filter((id) => !before.includes(id)).length).toBe(1)
    created.push(...(await sandboxIds()).filter((id) => !before.includes(id)))
    await expect(lp.getByText('workstation: Connected')).toBeVisible({ timeout: 60_000 })
    await expect(lp.getByTestId('watch-notice')).toHaveCount(0)
    await lp.getByTestId('terminal-workstation').locator('.xterm-helper-textarea').focus()
    await lp.keyboard.type('echo "watched-$((6*7))"')
    await lp.keyboard.press('Enter')

    // The instructor opens the live labs list and watches: same screen, read-only.
    await page.goto(`${cohortUrl}/live`)
    await page.getByRole('link', { name: /^Watch .*terminal$/ }).click()
    await expect(page).toHaveURL(/\/live\/[^/]+\/watch$/)
    await expect(page.getByText('workstation: Connected')).toBeVisible({ timeout: 30_000 })
    await expect(page.getByText('read-only', { exact: true })).toBeVisible()
    const watched = page.getByTestId('terminal-workstation').locator('.xterm-rows')
    await expect(watched).toContainText('watched-42')

    // The learner's page (polling its state) says someone is watching…
    await expect(lp.getByTestId('watch-notice')).toContainText('An instructor is watching your terminal', {
      timeout: 30_000,
    })
    // …and stops saying so once the instructor leaves.
    await page.goto(`${cohortUrl}/live`)
    await expect(lp.getByTestId('watch-notice')).toHaveCount(0, { timeout: 30_000 })
    expect(learnerSide.problems).toEqual([])
  } finally {
    for (const id of created) await runnerApi('DELETE', `/v1/sandboxes/${id}`)
    await learnerSide.page.context().close()
  }
})

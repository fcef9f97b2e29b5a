// A learner works through the sample fixture lab in the browser, against the real lab-runner
// and Docker: start, terminal, editor, check (fail, then pass), and a reload mid-command that
// finds the same shell screen. No request may leave for a CDN or any non-local host.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import type { Page } from '@playwright/test'
import { ensureTestShellImage } from '../../lab-runner/test-fixtures/test-images'
import { e2e } from './support/e2e-env'
import { expect, signIn, test } from './support/fixtures'
import { watchBrowserProblems } from './support/browser-problems'
import { labPlatform, signUpNewLearner } from './support/lab-platform'

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost'])

function refuseRemoteRequests(page: Page): string[] {
  const remote: string[] = []
  page.on('request', (request) => {
    const url = new URL(request.url())
    if (['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol) && !LOCAL_HOSTS.has(url.hostname))
      remote.push(request.url())
  })
  page.on('websocket', (socket) => {
    const url = new URL(socket.url())
    if (!LOCAL_HOSTS.has(url.hostname)) remote.push(socket.url())
  })
  return remote
}

/** The visible text of the terminal's rows (xterm's DOM renderer). */
async function terminalText(page: Page): Promise<string> {
  return page.getByTestId('terminal-workstation').locator('.xterm-rows').innerText()
}

async function typeInTerminal(page: Page, text: string) {
  await page.getByTestId('terminal-workstation').locator('.xterm-helper-textarea').focus()
  await page.keyboard.type(text)
  await page.keyboard.press('Enter')
}

test.beforeAll(() => {
  ensureTestShellImage()
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
const created: string[] = []

// Whatever happened, remove the sandboxes this file created.
test.afterAll(async () => {
  for (const id of created) await runnerApi('DELETE', `/v1/sandboxes/${id}`)
})

test('a learner starts the sample lab, uses terminal and editor, and passes the check', async ({
  page,
  learner,
}) => {
  test.setTimeout(180_000)
  const remote = refuseRemoteRequests(page)
  await signIn(page, learner)
  await expect(page).toHaveURL(/\/dashboard$/)

  await page.goto('/labs')
  await expect(page.getByRole('link', { name: 'Sample lab' })).toBeVisible()
  await page.getByRole('link', { name: 'Sample lab' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Sample lab' })).toBeVisible()
  await expect(page.getByText('Write the word')).toBeVisible()

  const before = await sandboxIds()
  await page.getByRole('button', { name: 'Start lab' }).click()
  await expect(page.getByText('Starting your private lab environment')).toBeVisible()
  const fresh = async () => (await sandboxIds()).filter((id) => !before.includes(id))
  await expect.poll(async () => (await fresh()).length).toBe(1)
  created.push(...(await fresh()))
  await expect(page.getByText('workstation: Connected')).toBeVisible({ timeout: 60_000 })

  // The check fails on a fresh sandbox, with the check's FAIL line and the lab's hint.
  await page.getByRole('button', { name: 'Check', exact: true }).click()
  await expect(page.getByText('Not yet')).toBeVisible({ timeout: 20_000 })
  await expect(page.getByText('/tmp/hello does not contain hello')).toBeVisible()
  await expect(page.getByText('Write hello into /tmp/hello.')).toBeVisible()

  // Terminal: type a command, see its output.
  await typeInTerminal(page, 'echo lab-$((20+22))')
  await expect.poll(() => terminalText(page), { timeout: 15_000 }).toContain('lab-42')

  // A reload mid-command finds the same shell screen (tmux keeps it).
  await typeInTerminal(page, 'for i in $(seq 1 8); do echo tick-$i; sleep 1; done')
  await expect.poll(() => terminalText(page), { timeout: 15_000 }).toContain('tick-1')
  await page.reload()
  await expect(page.getByText('workstation: Connected')).toBeVisible({ timeout: 30_000 })
  await expect.poll(() => terminalText(page), { timeout: 15_000 }).toContain('lab-42')
  await expect.poll(() => terminalText(page), { timeout: 20_000 }).toContain('tick-8')

  // Editor: open the editable file, change it, save; the shell sees the new content.
  await page.getByRole('tab', { name: 'Editor' }).click()
  const editor = page.getByTestId('lab-editor')
  await expect(editor.locator('.view-lines')).toContainText('prepared for seed', { timeout: 30_000 })
  await editor.locator('.view-lines').click()
  await page.keyboard.press('ControlOrMeta+A')
  await page.keyboard.insertText('edited in the browser\n')
  await expect(page.getByText('● unsaved')).toBeVisible()
  await page.getByRole('button', { name: 'Save', exact: true }).click()
  await expect(page.getByText('Saved /etc/motd on workstation.')).toBeVisible()
  await expect(page.getByText('● unsaved')).toHaveCount(0)
  await page.getByRole('tab', { name: 'Terminal: workstation' }).click()
  await typeInTerminal(page, 'cat /etc/motd; echo hello > /tmp/hello')
  await expect.poll(() => terminalText(page), { timeout: 15_000 }).toContain('edited in the browser')

  // Now the check passes and awards the step's points.
  await page.getByRole('button', { name: 'Check', exact: true }).click()
  await expect(page.getByText('Passed! +10 points')).toBeVisible({ timeout: 20_000 })
  await expect(page.getByText('Points: 10 of 10')).toBeVisible()

  // A service tab opens through the runner's proxy: the page POSTs its single-use ticket (the
  // runner takes it only from this origin) and the new tab lands on the proxied UI. Nothing
  // listens on the fixture's port, so the proxy answers that the upstream is unreachable.
  const popup = page.waitForEvent('popup')
  await page.getByRole('button', { name: 'Dashboard ↗' }).click()
  const tab = await popup
  await tab.waitForURL(/\/proxy\/[^/]+\/workstation\/8080\/$/)
  await expect(tab.locator('body')).toContainText('upstream-unreachable')
  await tab.close()

  // End the lab: the sandbox goes, the points stay.
  page.once('dialog', (dialog) => void dialog.accept())
  await page.getByRole('button', { name: 'End', exact: true }).click()
  await expect(page.getByRole('button', { name: 'Start lab' })).toBeVisible({ timeout: 30_000 })
  await expect(page.getByText('Points: 10 of 10')).toBeVisible()
  await page.goto('/labs')
  await expect(page.getByText('10/10 points')).toBeVisible()

  expect(remote, 'requests to non-local hosts').toEqual([])
})

test('requests the network drops are repeated, and a lost connection shows until it is back', async ({
  browser,
  learner,
}) => {
  test.setTimeout(120_000)
  const context = await browser.newContext()
  const page = await context.newPage()
  const problems = watchBrowserProblems(page, { provokedStatuses: [401] })
  const dropped = 'net::ERR_CONNECTION_FAILED'
  /** Fails the next `times` requests to `url` as if the connection had dropped; the rest go through. */
  const dropNext = async (url: string, times: number) => {
    let left = times
    await page.route(url, (route) => (left-- > 0 ? route.abort('connectionfailed') : route.continue()))
  }
  await signIn(page, learner)
  await expect(page).toHaveURL(/\/dashboard$/)
  await page.goto('/labs/sample')

  // Start and Check each lose their first request; the page repeats them and nobody sees an error.
  const before = await sandboxIds()
  await dropNext('**/api/labs/sample/start', 1)
  await page.getByRole('button', { name: 'Start lab' }).click()
  await expect.poll(async () => (await sandboxIds()).filter((id) => !before.includes(id)).length).toBe(1)
  created.push(...(await sandboxIds()).filter((id) => !before.includes(id)))
  await expect(page.getByText('workstation: Connected')).toBeVisible({ timeout: 60_000 })
  await dropNext('**/api/labs/sample/steps/hello/check', 1)
  await page.getByRole('button', { name: 'Check', exact: true }).click()
  await expect(page.getByText('Not yet')).toBeVisible({ timeout: 20_000 })
  await expect(page.locator('main').getByRole('alert')).toHaveCount(0)

  // A Check the server ran but whose answer was lost: the repeat (same key) gets that result, not a new attempt.
  await page.route(
    '**/api/labs/sample/steps/hello/check',
    async (route) => {
      await route.fetch()
      await route.abort('connectionfailed')
    },
    { times: 1 },
  )
  await page.getByRole('button', { name: 'Check', exact: true }).click()
  await expect(page.getByText('2 attempts')).toBeVisible({ timeout: 20_000 })
  await expect(page.locator('main').getByRole('alert')).toHaveCount(0)

  // A longer outage: status polls keep failing, so the page says its status may be stale ...
  await dropNext('**/api/labs/sample/state', 1_000)
  await page.getByRole('button', { name: 'Check', exact: true }).click()
  const stale = page.getByRole('status').filter({ hasText: 'may be out of date' })
  await expect(stale).toContainText('Lost contact with Helix Academy', { timeout: 20_000 })
  // ... and the notice goes with the first poll that gets through.
  await page.unroute('**/api/labs/sample/state')
  await expect(stale).toHaveCount(0, { timeout: 15_000 })

  // A 4xx will not change by polling again (here: signed out elsewhere), so it is an error, not a notice.
  await page.route(
    '**/api/labs/sample/state',
    (route) => route.fulfill({ status: 401, json: { error: 'Sign in again to continue.' } }),
    { times: 1 },
  )
  await page.getByRole('button', { name: 'Check', exact: true }).click()
  await expect(page.locator('main').getByRole('alert')).toContainText('Sign in again to continue.')
  await expect(stale).toHaveCount(0)

  // End reaches the server but its answer is lost: the page finds the lab ended and says nothing else.
  await page.route('**/api/labs/sample/end', async (route) => {
    await route.fetch()
    await route.abort('connectionfailed')
  })
  page.once('dialog', (dialog) => void dialog.accept())
  await page.getByRole('button', { name: 'End', exact: true }).click()
  await expect(page.getByRole('button', { name: 'Start lab' })).toBeVisible({ timeout: 30_000 })
  await expect(page.locator('main').getByRole('alert')).toHaveCount(0)

  await context.close()
  expect(
    problems.filter((problem) => !problem.includes(dropped)),
    'unexpected browser errors',
  ).toEqual([])
  expect(problems.length, 'the dropped requests were logged by the browser').toBeGreaterThanOrEqual(5)
})

test('with the Docker engine gone the platform still starts and labs say the engine is unavailable', async ({
  browser,
}) => {
  test.setTimeout(180_000)
  const platform = labPlatform({
    port: 3102,
    runnerPort: 4112,
    embeddedPgPort: e2e.pgPort + 2,
    dataDir: '.data/e2e-no-docker',
    runnerInstance: 'academy-e2e-no-docker',
    // The fixture lab, and a runner whose engine socket points nowhere: as if dockerd were down.
    env: { LABS_DIR: 'lab-runner/test-fixtures/labs', DOCKER_SOCKET: '/nonexistent/docker.sock' },
  })
  try {
    await platform.start()
    await expect
      .poll(() => platform.outputTail(1_000), { timeout: 30_000 })
      .toContain('the lab-runner cannot reach the Docker engine')

    const context = await browser.newContext({ baseURL: platform.baseUrl })
    const page = await context.newPage()
    await signUpNewLearner(page)
    await page.goto('/labs/sample')
    await expect(page.getByText('The lab engine is unavailable')).toBeVisible()
    await expect(page.getByRole('button', { name: 'Start lab' })).toHaveCount(0)
    await context.close()
  } finally {
    await platform.stop()
  }
})

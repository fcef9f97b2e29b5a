// "A new learner can complete all four labs in the browser, and the grades appear on their
// dashboard." One learner signs up on a second platform that serves the real labs and, lab by
// lab in course order: starts the sandbox, does every step (the step's solve script pasted into
// the terminal of the host it runs on), presses Check and sees the points, ends the lab and sees
// the sandbox go. Then the dashboard shows every lab's points and the labs part of the grade.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import type { Page } from '@playwright/test'
import { parse } from 'yaml'
import {
  DEFAULT_SCRIPT_HOST,
  labDefinitionSchema,
  type LabDefinition,
  type LabStep,
} from '../../contracts/lab-definition'
import type { SandboxSummary } from '../../contracts/runner-api'
import { e2e } from './support/e2e-env'
import { expect, test } from './support/fixtures'
import {
  labPlatform,
  openTerminal,
  pasteInTerminal,
  signUpNewLearner,
  terminalText,
  typeInTerminal,
} from './support/lab-platform'
import { watchBrowserProblems } from './support/browser-problems'

// The test calls the runner's REST API itself (solve endpoint), so it fixes the service token.
const RUNNER_SERVICE_TOKEN = 'e2e-all-labs-runner-service-token-0123456789'

const platform = labPlatform({
  port: 3103,
  runnerPort: 4113,
  embeddedPgPort: 54352,
  dataDir: '.data/e2e-all-labs',
  runnerInstance: 'academy-e2e-all-labs',
  env: { RUNNER_SERVICE_TOKEN },
})

test.beforeAll(() => platform.removeLeftoverSandboxes())
test.afterAll(() => platform.removeLeftoverSandboxes())

// --------------------------------------------------------------------------- the labs

/** The course's labs in teaching order (the order the lab list and the grade use). */
const LAB_SLUGS = ['ha-setup', 'monitoring-stack', 'incident-simulation', 'dr-test']

interface Lab {
  definition: LabDefinition
  dir: string
  totalPoints: number
}

function loadLab(slug: string): Lab {
  const dir = path.join(e2e.root, 'labs', slug)
  const definition = labDefinitionSchema.parse(parse(readFileSync(path.join(dir, 'lab.yaml'), 'utf8')))
  return { definition, dir, totalPoints: definition.steps.reduce((sum, s) => sum + s.points, 0) }
}

/**
 * Checks that judge something the system reaches a little after the solve returns; a learner
 * presses Check again after a few seconds, and so does the test. Every other check must pass on
 * the first press.
 */
const PATIENT_CHECKS: Record<string, string> = {
  // The replica starts streaming a moment after it comes up as a standby.
  'ha-setup/replica': 'pg_stat_replication shows the replica once it has connected',
  // Prometheus scrapes every 5 s after the reload; the check wants every target up.
  'monitoring-stack/scrape': 'first scrape of each target',
  // The alert needs `for: 30s` of a low score, evaluated every 5 s, to fire.
  'monitoring-stack/alert-rules': 'ProviderDegraded fires after its for: duration',
  // Alertmanager groups with group_wait 10s before the alert shows in the receiver's group.
  'monitoring-stack/alert-routing': 'Alertmanager group_wait',
}

// --------------------------------------------------------------------------- doing a step

/** Bash words never contain this, so the sentinel line is unambiguous. */
const sentinel = (stepId: string) => `solved ${stepId}: exit`

/**
 * Pastes the solve script into the host's terminal the way a learner pastes a script: into a file
 * through a quoted heredoc (no parameter expansion), then runs it with stdin from /dev/null, so a
 * command in the script cannot swallow the script's own next lines. The echo afterwards is the
 * sentinel the test waits for; its `$?` is only a number once it has run.
 */
async function solveInTerminal(page: Page, host: string, stepId: string, script: string) {
  await openTerminal(page, host)
  // History expansion off first: the interactive shell would otherwise rewrite a `!` in the
  // pasted lines (awk's `!skip`, `!~`) before the heredoc stores them.
  await typeInTerminal(page, host, 'set +H; clear')
  const file = `/tmp/solve-${stepId}.sh`
  const text = [
    `cat > ${file} <<'SOLVE'; bash ${file} </dev/null; echo "${sentinel(stepId)} $?"`,
    script.trimEnd(),
    'SOLVE',
  ].join('\n')
  if (text.split('\n').slice(1, -1).includes('SOLVE'))
    throw new Error(`the solve script of ${stepId} has a line "SOLVE"; pick another heredoc word`)
  await pasteInTerminal(page, host, text)
  const done = new RegExp(`${sentinel(stepId)} (\\d+)`)
  let screen = ''
  // The runner gives solve scripts 120 s; the slowest here wait for an alert to fire.
  await expect
    .poll(
      async () => {
        screen = await terminalText(page, host)
        return done.test(screen)
      },
      { timeout: 150_000, intervals: [1_000] },
    )
    .toBe(true)
  expect(done.exec(screen)?.[1], `the solve script of ${stepId} failed on ${host}:\n${screen}`).toBe('0')
}

/** Runs the step's solve script through the runner's solve endpoint (service token). */
async function solveThroughRunner(labSlug: string, stepId: string) {
  const headers = { authorization: `Bearer ${RUNNER_SERVICE_TOKEN}`, 'content-type': 'application/json' }
  const listed = await fetch(`${platform.runnerUrl}/v1/sandboxes`, { headers })
  expect(listed.status, 'the runner lists sandboxes').toBe(200)
  const { sandboxes } = (await listed.json()) as { sandboxes: SandboxSummary[] }
  const sandbox = sandboxes.find((s) => s.labSlug === labSlug && s.state === 'ready')
  if (!sandbox) throw new Error(`no ready sandbox of ${labSlug} on the runner: ${JSON.stringify(sandboxes)}`)
  const response = await fetch(`${platform.runnerUrl}/v1/sandboxes/${sandbox.id}/steps/${stepId}/solve`, {
    method: 'POST',
    headers,
    body: '{}',
  })
  const body = (await response.json()) as { result?: { passed: boolean; output: string } }
  expect(response.status, JSON.stringify(body)).toBe(200)
  expect(body.result?.passed, `the solve script of ${stepId} failed:\n${body.result?.output ?? ''}`).toBe(
    true,
  )
}

interface CheckAnswer {
  passed: boolean
  fail: string[]
  hint: string[]
  timedOut: boolean
}

/** Presses Check and returns the web app's answer (what the page then shows). */
async function pressCheck(page: Page, labSlug: string, stepId: string): Promise<CheckAnswer> {
  const [response] = await Promise.all([
    page.waitForResponse(
      (r) =>
        r.request().method() === 'POST' && r.url().endsWith(`/api/labs/${labSlug}/steps/${stepId}/check`),
      {
        timeout: 90_000,
      },
    ),
    page.getByRole('button', { name: 'Check', exact: true }).click(),
  ])
  return (await response.json()) as CheckAnswer
}

async function checkStep(page: Page, labSlug: string, step: LabStep) {
  const key = `${labSlug}/${step.id}`
  const attempt = async () => {
    const answer = await pressCheck(page, labSlug, step.id)
    const feedback = [...answer.fail.map((l) => `FAIL: ${l}`), ...answer.hint.map((l) => `HINT: ${l}`)].join(
      '\n',
    )
    expect(
      answer.passed,
      `the check of ${key} did not pass${answer.timedOut ? ' (timed out)' : ''}:\n${feedback}`,
    ).toBe(true)
  }
  if (PATIENT_CHECKS[key] === undefined) await attempt()
  else await expect(attempt).toPass({ timeout: 90_000, intervals: [5_000] })
  // The first pass of a step awards its points.
  await expect(page.getByText(`Passed! +${step.points} points`)).toBeVisible()
  await expect(
    page.getByRole('button', {
      name: new RegExp(`${escapeRegExp(step.title)}\\s*${step.points}/${step.points} pts`),
    }),
  ).toBeVisible()
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

const seconds = (fromMs: number) => `${Math.round((Date.now() - fromMs) / 1000)} s`

/**
 * Lab 2's Dashboard tab draws the learner's three panels from their sandbox's Prometheus: a
 * chart per panel, and the error rate's current value.
 */
async function seeDashboard(page: Page) {
  await page.getByRole('tab', { name: 'Dashboard' }).click()
  const dashboard = page.getByTestId('lab-dashboard')
  for (const title of ['Request rate by endpoint', 'Provider scores', 'Error rate (%)']) {
    const panel = dashboard.getByRole('region', { name: title })
    await expect(panel).toHaveAttribute('data-status', 'ok', { timeout: 30_000 })
    await expect(panel.locator('svg').first()).toBeVisible()
  }
  await expect(
    dashboard.getByRole('region', { name: 'Error rate (%)' }).getByLabel(/^Current value \d/),
  ).toBeVisible()
}

// --------------------------------------------------------------------------- one lab

async function completeLab(page: Page, lab: Lab) {
  const { slug, title, steps, shellHosts } = lab.definition
  const startedAt = Date.now()
  await page.goto(`/labs/${slug}`)
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible()
  await expect(page.getByText(`Points: 0 of ${lab.totalPoints}`)).toBeVisible()

  // Start: the full stack comes up; the workstation shell connects once it is ready. Only one
  // stack runs at a time (the previous lab was ended), which is what a 2-core machine holds.
  await page.getByRole('button', { name: 'Start lab' }).click()
  // While it starts, the page shows the services coming up one by one (from the runner).
  await expect(page.getByText(/^[1-9]\d* of \d+ services up$/)).toBeVisible({ timeout: 120_000 })
  await expect(page.getByText('workstation: Connected')).toBeVisible({ timeout: 210_000 })
  const provisionedIn = seconds(startedAt)
  expect(platform.dockerIds('container').length).toBeGreaterThan(10)

  const stepsFrom = Date.now()
  const stepLog: string[] = []
  for (const step of steps) {
    const stepFrom = Date.now()
    await page.getByRole('button', { name: new RegExp(escapeRegExp(step.title)) }).click()
    const host = step.solve.host ?? DEFAULT_SCRIPT_HOST
    const script = readFileSync(path.join(lab.dir, step.solve.script), 'utf8')
    if (shellHosts.includes(host)) {
      await solveInTerminal(page, host, step.id, script)
    } else {
      // Not in the browser: the script runs on a host the learner has no shell on (Lab 1's
      // pooler step edits pgbouncer.ini on pgbouncer as postgres), so the runner runs it there.
      await solveThroughRunner(slug, step.id)
    }
    await checkStep(page, slug, step)
    if (lab.definition.dashboard && step.id === 'dashboard') await seeDashboard(page)
    stepLog.push(`${step.id} ${seconds(stepFrom)}${shellHosts.includes(host) ? '' : ' (runner solve)'}`)
  }
  await expect(page.getByText(`Points: ${lab.totalPoints} of ${lab.totalPoints}`)).toBeVisible()
  const stepsIn = seconds(stepsFrom)

  // End the lab: the sandbox goes (before the next lab starts), the points stay.
  const endFrom = Date.now()
  page.once('dialog', (dialog) => void dialog.accept())
  await page.getByRole('button', { name: 'End', exact: true }).click()
  await expect(page.getByRole('button', { name: 'Start lab' })).toBeVisible({ timeout: 90_000 })
  await expect(page.getByText(`Points: ${lab.totalPoints} of ${lab.totalPoints}`)).toBeVisible()
  await expect
    .poll(() => platform.dockerIds('container').length, { timeout: 60_000, intervals: [1_000] })
    .toBe(0)
  await expect
    .poll(() => platform.dockerIds('volume').length, { timeout: 30_000, intervals: [1_000] })
    .toBe(0)
  await expect
    .poll(() => platform.dockerIds('network').length, { timeout: 30_000, intervals: [1_000] })
    .toBe(0)
  console.log(
    `[all-labs] ${slug}: ${seconds(startedAt)} in all (provision ${provisionedIn}, steps ${stepsIn}: ${stepLog.join(', ')}; end ${seconds(endFrom)})`,
  )
}

// --------------------------------------------------------------------------- the test

test('a new learner completes all four labs in the browser and sees the grades on the dashboard', async ({
  browser,
}) => {
  const labs = LAB_SLUGS.map(loadLab)
  // Platform start (about 30 s), then per lab: the full stack (up to about 3 min on a loaded
  // machine), the steps (up to about 3 min; alerts take their time) and End (under a minute).
  test.setTimeout(120_000 + labs.length * 420_000)
  const testFrom = Date.now()
  try {
    await platform.start()
    const context = await browser.newContext({
      baseURL: platform.baseUrl,
      permissions: ['clipboard-read', 'clipboard-write'],
    })
    const page = await context.newPage()
    const problems = watchBrowserProblems(page)

    await signUpNewLearner(page)
    for (const lab of labs) await completeLab(page, lab)

    // The dashboard: each lab's points, and the labs part of the course grade (every step passed).
    await page.goto('/dashboard')
    const labPoints = page.getByTestId('your-lab-points')
    for (const lab of labs) {
      await expect(labPoints).toContainText(
        `${lab.definition.title}: ${lab.totalPoints} of ${lab.totalPoints} points`,
      )
    }
    await expect(page.getByTestId('your-grade').first()).toContainText('labs 100%')

    await context.close()
    expect(problems, 'unexpected browser errors').toEqual([])
    console.log(`[all-labs] whole test: ${seconds(testFrom)}`)
  } catch (error) {
    console.log(`--- second platform output (last 80 lines) ---\n${platform.outputTail(80)}`)
    throw error
  } finally {
    await platform.stop()
  }
})

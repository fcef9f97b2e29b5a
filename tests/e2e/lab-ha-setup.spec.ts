// A learner does the first step of the real Lab 1 (HA Setup) in the browser, on a second
// platform whose runner serves the real labs (the main e2e platform only has the fixture lab):
// start the full HA stack, clone the replica from the pg-replica terminal, verify it from the
// workstation, pass the check; edit haproxy.cfg on lb in the editor the way step 4 says; reload
// the page mid-command and find the same shell screen; end the lab and see the sandbox go.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import type { Page } from '@playwright/test'
import { e2e } from './support/e2e-env'
import { expect, test } from './support/fixtures'
import {
  labPlatform,
  openTerminal,
  runAndRead,
  signUpNewLearner,
  terminalText,
  typeInTerminal,
} from './support/lab-platform'
import { watchBrowserProblems } from './support/browser-problems'

const platform = labPlatform({
  port: 3102,
  runnerPort: 4112,
  embeddedPgPort: 54351,
  dataDir: '.data/e2e-lab1',
  runnerInstance: 'academy-e2e-lab1',
})
const dockerIds = platform.dockerIds

// The runner removes the sandbox on End; if the test failed before that, remove it here.
test.beforeAll(() => platform.removeLeftoverSandboxes())
test.afterAll(() => platform.removeLeftoverSandboxes())

// --------------------------------------------------------------------------- step 4's haproxy.cfg

/** 1-based number of the line that is exactly `line` in the lab's starting haproxy.cfg. */
function lineNumberOf(text: string, line: string): number {
  const index = text.split('\n').indexOf(line)
  if (index < 0) throw new Error(`labs/ha-setup/files/haproxy.cfg has no line "${line}"; update this test`)
  return index + 1
}

/** Puts Monaco's cursor at the start of model line `n` (no word wrap: one ArrowDown per line). */
async function goToLine(page: Page, n: number) {
  await page.keyboard.press('ControlOrMeta+Home')
  for (let i = 1; i < n; i++) await page.keyboard.press('ArrowDown')
}

/**
 * Pastes `text` through the browser's clipboard (one edit), as a learner pastes a config block:
 * typing many lines key by key makes Monaco indent each new line like the one above.
 */
async function pasteInEditor(page: Page, text: string) {
  await page.evaluate((t) => navigator.clipboard.writeText(t), text)
  await page.keyboard.press('ControlOrMeta+V')
}

const STEP4_BACKEND = [
  'backend helixagent',
  '    balance leastconn',
  '    option httpchk GET /ready',
  '    http-check expect status 200',
  '    default-server inter 2s fall 3 rise 2',
  '    server helixagent-1 helixagent-1:8080 check',
  '    server helixagent-2 helixagent-2:8080 check',
  '    server helixagent-3 helixagent-3:8080 check',
]

// --------------------------------------------------------------------------- the test

test('a learner starts Lab 1 (HA Setup), streams the replica and passes step 1', async ({ browser }) => {
  // Platform start (~30 s), the full HA stack (up to ~3 min on a loaded machine), the steps, End.
  test.setTimeout(420_000)
  try {
    await platform.start()

    const context = await browser.newContext({
      baseURL: platform.baseUrl,
      permissions: ['clipboard-read', 'clipboard-write'],
    })
    const page = await context.newPage()
    const problems = watchBrowserProblems(page)

    // A new learner signs up on this instance.
    await signUpNewLearner(page)

    await page.goto('/labs/ha-setup')
    await expect(page.getByRole('heading', { level: 1, name: 'Lab 1: HA Setup' })).toBeVisible()
    await expect(page.getByRole('heading', { name: 'Stream to the replica' })).toBeVisible()
    await expect(page.getByText('Points: 0 of 100')).toBeVisible()

    // Start: the whole HA stack comes up; the workstation shell connects once it is ready.
    await page.getByRole('button', { name: 'Start lab' }).click()
    await expect(page.getByText('Starting your private lab environment')).toBeVisible({ timeout: 30_000 })
    await expect(page.getByText('workstation: Connected')).toBeVisible({ timeout: 200_000 })
    expect(dockerIds('container').length).toBeGreaterThan(10)

    // Step 1, "Open a terminal on pg-replica" and "Clone the primary".
    await openTerminal(page, 'pg-replica')
    await typeInTerminal(
      page,
      'pg-replica',
      'pg_basebackup -h pg-primary -U replicator -D "$PGDATA" -R -X stream -P',
    )
    await expect
      .poll(() => terminalText(page, 'pg-replica'), { timeout: 60_000 })
      .toMatch(/\(100%\), 1\/1 tablespace/)

    // "Verify replication", on the workstation: the replica's PostgreSQL starts a few seconds
    // after the backup finishes, so (like a learner) ask again until it is streaming.
    // The step's commands, with `-p 5432`: the workstation's PGPORT is PgBouncer's 6432.
    await openTerminal(page, 'workstation')
    const askPrimary =
      'psql -h pg-primary -p 5432 -U helixagent -d helixagent_db -c "select client_addr, state, sync_state, replay_lag from pg_stat_replication"'
    await expect(async () => {
      const text = await runAndRead(page, 'workstation', askPrimary, /\(\d+ rows?\)/)
      expect(text).toMatch(/\|\s*streaming\s*\|\s*async/)
    }).toPass({ timeout: 60_000, intervals: [2_000] })
    const askReplica =
      'psql -h pg-replica -p 5432 -U helixagent -d helixagent_db -c "select pg_is_in_recovery(), now() - pg_last_xact_replay_timestamp() as since_last_replay"'
    const replicaAnswer = await runAndRead(page, 'workstation', askReplica, /\(1 row\)/)
    expect(replicaAnswer).toMatch(/^\s*t\s*\|/m)

    // The check passes and awards the step's points.
    await page.getByRole('button', { name: 'Check', exact: true }).click()
    await expect(page.getByText('Passed! +10 points')).toBeVisible({ timeout: 45_000 })
    await expect(page.getByText('Points: 10 of 100')).toBeVisible()
    await expect(page.getByRole('button', { name: /Stream to the replica\s*10\/10 pts/ })).toBeVisible()

    // Editor: haproxy.cfg on lb, changed as step 4 says, saved; lb's shell sees the new file
    // and HAProxy accepts it.
    await page.getByRole('tab', { name: 'Editor' }).click()
    await expect(page.getByRole('combobox', { name: 'File' })).toHaveValue(/haproxy\.cfg/, {
      timeout: 30_000,
    })
    const editor = page.getByTestId('lab-editor')
    await expect(editor.locator('.view-lines')).toContainText('# Load balancer for HelixAgent', {
      timeout: 30_000,
    })
    const original = readFileSync(path.join(e2e.root, 'labs/ha-setup/files/haproxy.cfg'), 'utf8')
    const backendLine = lineNumberOf(original, 'backend helixagent')
    const nextSection = lineNumberOf(original, 'frontend stats')
    await editor.locator('.view-lines').click()
    // Select the old backend section (up to the blank line before the next one) and paste
    // step 4's in its place.
    await goToLine(page, backendLine)
    for (let line = backendLine; line < nextSection - 1; line++) await page.keyboard.press('Shift+ArrowDown')
    await pasteInEditor(page, `${STEP4_BACKEND.join('\n')}\n`)
    await expect(page.getByText('● unsaved')).toBeVisible()
    await page.getByRole('button', { name: 'Save', exact: true }).click()
    await expect(page.getByText('Saved /etc/haproxy/haproxy.cfg on lb.')).toBeVisible({ timeout: 20_000 })
    await expect(page.getByText('● unsaved')).toHaveCount(0)
    await openTerminal(page, 'lb')
    const lbAnswer = await runAndRead(
      page,
      'lb',
      'cat /etc/haproxy/haproxy.cfg | grep -A8 "^backend helixagent"; haproxy -c -q -f /etc/haproxy/haproxy.cfg && echo "config $((6*7)) valid"',
      /config 42 valid|\n.*(ALERT|rror|not found)/,
    )
    expect(lbAnswer).toContain(STEP4_BACKEND.join('\n'))
    expect(lbAnswer).toContain('config 42 valid')

    // A reload mid-command finds the same shell screen (tmux keeps it).
    await openTerminal(page, 'workstation')
    await typeInTerminal(
      page,
      'workstation',
      'echo ws-$((20+22)); for i in $(seq 1 10); do echo tick-$i; sleep 1; done',
    )
    await expect.poll(() => terminalText(page, 'workstation'), { timeout: 15_000 }).toContain('tick-1')
    await page.reload()
    await expect(page.getByText('workstation: Connected')).toBeVisible({ timeout: 30_000 })
    await expect.poll(() => terminalText(page, 'workstation'), { timeout: 15_000 }).toContain('ws-42')
    await expect.poll(() => terminalText(page, 'workstation'), { timeout: 30_000 }).toContain('tick-10')
    // Progress survived the reload too.
    await expect(page.getByText('Points: 10 of 100')).toBeVisible()

    // End the lab: the sandbox goes, the points stay.
    page.once('dialog', (dialog) => void dialog.accept())
    await page.getByRole('button', { name: 'End', exact: true }).click()
    await expect(page.getByRole('button', { name: 'Start lab' })).toBeVisible({ timeout: 90_000 })
    await expect(page.getByText('Points: 10 of 100')).toBeVisible()
    await expect.poll(() => dockerIds('container').length, { timeout: 60_000, intervals: [1_000] }).toBe(0)
    await expect.poll(() => dockerIds('volume').length, { timeout: 30_000, intervals: [1_000] }).toBe(0)

    await context.close()
    expect(problems, 'unexpected browser errors').toEqual([])
  } catch (error) {
    console.log(`--- second platform output (last 80 lines) ---\n${platform.outputTail(80)}`)
    throw error
  } finally {
    await platform.stop()
  }
})

// A learner starts the sample lab with a warm pool: the sandbox is claimed (no cold start
// notice), personalised for them, and the terminal is connected and takes typing at once.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import pg from 'pg'
import type { PoolsStatus } from '../../contracts/runner-api'
import { ensureTestShellImage } from '../../lab-runner/test-fixtures/test-images'
import { databaseUrl } from './support/accounts'
import { e2e } from './support/e2e-env'
import { expect, signIn, test } from './support/fixtures'
import { terminalText, typeInTerminal } from './support/lab-platform'

function runnerApi(method: string, url: string, body?: unknown): Promise<Response> {
  const token = readFileSync(path.join(e2e.dataDir, 'runner-token'), 'utf8').trim()
  return fetch(`${e2e.runnerUrl}${url}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
}
const pools = async () => (await (await runnerApi('GET', '/v1/pools')).json()) as PoolsStatus
const created: string[] = []

/**
 * The pool size as an admin sets it: a row the web app pushes to the runner every 20 s (the push
 * replaces the runner's sizes, so a size set on the runner alone would be undone by the next one).
 */
async function setPoolSize(size: number): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl() })
  await client.connect()
  try {
    if (size === 0) await client.query(`delete from lab_pool_settings where "labSlug" = 'sample'`)
    else
      await client.query(
        `insert into lab_pool_settings ("labSlug", size, "updatedAt") values ('sample', $1, now())
           on conflict ("labSlug") do update set size = $1, "updatedAt" = now()`,
        [size],
      )
  } finally {
    await client.end()
  }
  // What the next push would send, now, so the test does not wait for it.
  expect((await runnerApi('PUT', '/v1/pools', { labs: { sample: size } })).status).toBe(200)
}

test.beforeAll(() => ensureTestShellImage())

test.afterAll(async () => {
  await setPoolSize(0)
  for (const id of created) await runnerApi('DELETE', `/v1/sandboxes/${id}`)
})

test('a learner claims a warm sandbox and types into a connected terminal', async ({ page, learner }) => {
  test.setTimeout(180_000)
  await setPoolSize(1)
  const ready = async () => (await pools()).pools.find((p) => p.key === 'lab:sample')?.ready ?? 0
  await expect.poll(ready, { timeout: 120_000, intervals: [500] }).toBe(1)
  const hitsBefore = (await pools()).labs.find((l) => l.labSlug === 'sample')?.hits ?? 0

  await signIn(page, learner)
  // Signed in once the dashboard shows: navigating earlier would cancel the sign-in.
  await expect(page).toHaveURL(/\/dashboard$/)
  await page.goto('/labs/sample')
  await expect(page.getByRole('heading', { level: 1, name: 'Sample lab' })).toBeVisible()
  await page.getByRole('button', { name: 'Start lab' }).click()
  await expect(page.getByText('workstation: Connected')).toBeVisible({ timeout: 30_000 })
  await expect(page.getByTestId('cold-start')).toHaveCount(0)
  const after = await pools()
  expect(after.labs.find((l) => l.labSlug === 'sample')?.hits).toBe(hitsBefore + 1)

  await typeInTerminal(page, 'workstation', 'echo warm-$((40+2)); cat /etc/motd')
  await expect.poll(() => terminalText(page, 'workstation'), { timeout: 15_000 }).toContain('warm-42')
  // The setup hook ran at claim time, with this learner's seed.
  await expect.poll(() => terminalText(page, 'workstation')).toContain('prepared for seed')
  const listed = (await (await runnerApi('GET', '/v1/sandboxes')).json()) as {
    sandboxes: Array<{ id: string }>
  }
  created.push(...listed.sandboxes.map((s) => s.id))
})

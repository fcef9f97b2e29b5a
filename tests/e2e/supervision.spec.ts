// The launcher supervises its processes: a `kill -9` of the web app (next-server) or of the
// embedded PostgreSQL costs a learner a few seconds and no data; the rest keeps running.
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { e2e } from './support/e2e-env'
import { expect, test } from './support/fixtures'
import { databaseUrl } from './support/accounts'
import { labPlatform, signUpNewLearner } from './support/lab-platform'
import { backdateReadSession } from './support/reading-time'

const DATA_DIR = '.data/e2e-supervision'
const PG_PORT = 54353
const METRICS_TOKEN = 'e2e-metrics-token-e2e-metrics-token-0123'
const platform = labPlatform({
  port: 3104,
  runnerPort: 4114,
  embeddedPgPort: PG_PORT,
  dataDir: DATA_DIR,
  runnerInstance: 'e2e-supervision',
  env: { METRICS_TOKEN },
})

test.describe.configure({ mode: 'serial' })
test.beforeAll(async () => {
  test.setTimeout(180_000)
  await platform.start()
})
test.afterAll(async () => {
  await platform.stop()
})
test.afterEach(async ({}, testInfo) => {
  if (testInfo.status !== testInfo.expectedStatus) console.log(platform.outputTail())
})

/** The process listening on a TCP port of this machine (from `ss`), as `{ pid, name }`. */
function listener(port: number): { pid: number; name: string } {
  const out = execFileSync('ss', ['-Hltnp', `sport = :${port}`], { encoding: 'utf8' })
  const match = /users:\(\("([^"]+)",pid=(\d+)/.exec(out)
  if (!match) throw new Error(`nothing listens on port ${port}: ${out}`)
  return { name: match[1]!, pid: Number(match[2]) }
}

/** The pid listening on `port`, or 0 while nothing does. */
function listenerPid(port: number): number {
  try {
    return listener(port).pid
  } catch {
    return 0
  }
}

const health = () =>
  fetch(`${platform.baseUrl}/api/health`).then(
    (r) => (r.ok ? 'up' : 'down'),
    () => 'down',
  )

test('the web app and the database come back after kill -9, with the learner still signed in and progress kept', async ({
  browser,
}) => {
  test.setTimeout(180_000)
  const context = await browser.newContext({ baseURL: platform.baseUrl })
  const page = await context.newPage()
  const account = await signUpNewLearner(page)
  // Progress that counts: the first lesson read to the end after its reading time (the read
  // session is moved into the past rather than waited for).
  await page.goto('/courses/production-operations')
  await page.getByRole('link', { name: 'Start the course' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'High Availability Design' })).toBeVisible()
  await backdateReadSession(
    account.email,
    'production-operations/high-availability-design',
    15 * 60,
    databaseUrl(path.join(e2e.root, DATA_DIR), PG_PORT),
  )
  await page.reload()
  await page.getByRole('link', { name: /Next →/ }).scrollIntoViewIfNeeded()
  await expect(page.getByTestId('lesson-completed')).toBeVisible()
  const runnerBefore = listener(4114).pid

  // The web app: killed without any chance to clean up.
  // Our own server around Next.js (scripts/web-server.ts), a node process.
  const web = listener(3104)
  expect(web.name).toMatch(/^(node|next-server)/)
  process.kill(web.pid, 'SIGKILL')
  await expect.poll(health, { timeout: 5_000, intervals: [100] }).toBe('down')
  const downAt = Date.now()
  await expect.poll(health, { timeout: 30_000, intervals: [200] }).toBe('up')
  // Back within seconds (1 s back-off plus Next's start-up), by a new process.
  expect(Date.now() - downAt).toBeLessThan(20_000)
  expect(listener(3104).pid).not.toBe(web.pid)
  expect(platform.outputTail(200)).toContain(
    'Warning: the web app was killed by SIGKILL; restarting it in 1 s.',
  )
  // The other processes were not touched.
  expect(listener(4114).pid).toBe(runnerBefore)

  await page.goto('/dashboard')
  await expect(page.getByRole('heading', { name: `Welcome, ${account.name}` })).toBeVisible()
  await page.goto('/courses/production-operations')
  await expect(page.getByTestId('course-percent')).toHaveText('4% complete')

  const webAfterRestart = listener(3104).pid
  // The embedded PostgreSQL: its postmaster killed the same way.
  // (The process listening on its port: the cluster itself may live under /var/lib/helix-academy
  // when the checkout's parents are closed to the postgres OS user.)
  const postmaster = listener(PG_PORT).pid
  process.kill(postmaster, 'SIGKILL')
  // A new postmaster listens again (0 while nothing does).
  await expect
    .poll(
      () => {
        const pid = listenerPid(PG_PORT)
        return pid !== 0 && pid !== postmaster
      },
      { timeout: 30_000, intervals: [200] },
    )
    .toBe(true)
  expect(platform.outputTail(200)).toContain('Warning: the embedded PostgreSQL exited')
  // Pages that read the database work again within seconds, with the same data.
  await expect
    .poll(
      async () => {
        const res = await page.goto('/courses/production-operations').catch(() => null)
        return res?.status()
      },
      { timeout: 30_000, intervals: [500] },
    )
    .toBe(200)
  await expect(page.getByTestId('course-percent')).toHaveText('4% complete')
  // The web app lived through the database's restart: the same process still serves.
  expect(listener(3104).pid).toBe(webAfterRestart)
  await context.close()
})

test('readiness and metrics of the production build', async () => {
  const ready = await fetch(`${platform.baseUrl}/api/ready`)
  expect(ready.status).toBe(200)
  expect(await ready.json()).toMatchObject({ database: { status: 'ok' }, migrations: { status: 'ok' } })

  expect((await fetch(`${platform.baseUrl}/api/metrics`)).status).toBe(401)
  // A sign-in attempt through the auth route, so its latency series exists in this process.
  await fetch(`${platform.baseUrl}/api/auth/get-session`)
  const scrape = await fetch(`${platform.baseUrl}/api/metrics`, {
    headers: { authorization: `Bearer ${METRICS_TOKEN}` },
  })
  expect(scrape.status).toBe(200)
  const text = await scrape.text()
  expect(text).toContain(
    'academy_http_request_duration_seconds_count{route="/api/auth",method="GET",status="200"}',
  )
  expect(text).toContain('academy_web_process_cpu_seconds_total')
})

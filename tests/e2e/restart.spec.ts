// Kills a second platform instance hard (no shutdown hooks) and starts it again on the same
// data: accounts and sessions must survive.
import { spawn, type ChildProcess } from 'node:child_process'
import { rm } from 'node:fs/promises'
import path from 'node:path'
import { newAccountDetails } from './support/accounts'
import { e2e } from './support/e2e-env'
import { expect, test } from './support/fixtures'

const port = 3101
const baseUrl = `http://127.0.0.1:${port}`
const dataDir = path.join(e2e.root, '.data/e2e-restart')

function startPlatform(): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: e2e.root,
    // Its own process group, so one signal kills launcher, web app and database together.
    detached: true,
    stdio: process.env.E2E_DEBUG ? 'inherit' : 'ignore',
    env: {
      ...process.env,
      DATA_DIR: '.data/e2e-restart',
      PORT: String(port),
      EMBEDDED_PG_PORT: String(e2e.pgPort + 1),
      RUNNER_PORT: '4101',
      SEED_DEMO_ACCOUNTS: 'no',
      PUBLIC_URL: baseUrl,
      GENERATE_VIDEOS: 'no',
    },
  })
}

async function waitHealthy(): Promise<void> {
  const deadline = Date.now() + 90_000
  while (Date.now() < deadline) {
    const ok = await fetch(`${baseUrl}/api/health`).then(
      (r) => r.ok,
      () => false,
    )
    if (ok) return
    await new Promise((r) => setTimeout(r, 500))
  }
  throw new Error('platform did not become healthy')
}

function groupAlive(child: ChildProcess): boolean {
  try {
    process.kill(-child.pid!, 0)
    return true
  } catch {
    return false
  }
}

/** SIGKILL to launcher, web app, runner and database at once; resolves when all are gone. */
async function killHard(child: ChildProcess) {
  if (groupAlive(child)) process.kill(-child.pid!, 'SIGKILL')
  // The database must be gone before a new one starts on the same folder and port.
  await expect.poll(() => groupAlive(child), { timeout: 20_000 }).toBe(false)
}

test('accounts and sessions survive the app being killed and restarted', async ({ browser }) => {
  test.setTimeout(240_000)
  await rm(dataDir, { recursive: true, force: true })
  let platform = startPlatform()
  try {
    await waitHealthy()
    const account = newAccountDetails()
    const context = await browser.newContext({ baseURL: baseUrl })
    const page = await context.newPage()
    await page.goto('/sign-up')
    await page.getByLabel('Name').fill(account.name)
    await page.getByLabel('Email').fill(account.email)
    await page.getByLabel('Password').fill(account.password)
    await page.getByRole('button', { name: 'Create account' }).click()
    await expect(page).toHaveURL(/\/dashboard$/)

    await killHard(platform)
    await expect
      .poll(() =>
        fetch(`${baseUrl}/api/health`).then(
          () => 'up',
          () => 'down',
        ),
      )
      .toBe('down')
    platform = startPlatform()
    await waitHealthy()

    // The same browser session is still signed in...
    await page.goto('/dashboard')
    await expect(page.getByRole('heading', { name: `Welcome, ${account.name}` })).toBeVisible()
    // ...and the account signs in from a fresh browser.
    const fresh = await browser.newContext({ baseURL: baseUrl })
    const freshPage = await fresh.newPage()
    await freshPage.goto('/sign-in')
    await freshPage.getByLabel('Email').fill(account.email)
    await freshPage.getByLabel('Password').fill(account.password)
    await freshPage.getByRole('button', { name: 'Sign in' }).click()
    await expect(freshPage).toHaveURL(/\/dashboard$/)
    await context.close()
    await fresh.close()
  } finally {
    await killHard(platform)
  }
})

// Helpers for browser tests that drive the real labs: a second platform (launcher, web app,
// runner and embedded database, as `npm start` runs them) whose runner serves `labs/` instead
// of the main e2e platform's fixture lab, the Docker resources of its runner instance, and
// typing into / reading from a lab terminal (xterm.js's DOM renderer).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { rm } from 'node:fs/promises'
import path from 'node:path'
import { expect, type Page } from '@playwright/test'
import { newAccountDetails, type TestAccount } from './accounts'
import { e2e } from './e2e-env'

// --------------------------------------------------------------------------- the second platform

export interface LabPlatformOptions {
  /** The web app's port (the main e2e platform has 3100). */
  port: number
  runnerPort: number
  embeddedPgPort: number
  /** Relative to the repository; emptied before every start. */
  dataDir: string
  /** Names this platform's sandboxes on the shared engine (label `academy.runner`). */
  runnerInstance: string
  /** More environment for the launcher, e.g. a fixed RUNNER_SERVICE_TOKEN. */
  env?: Record<string, string>
}

export interface LabPlatform {
  baseUrl: string
  /** The runner's REST API, for tests that call it with the service token. */
  runnerUrl: string
  runnerInstance: string
  /** Starts the platform from an empty data folder and waits until it answers its health check. */
  start(): Promise<void>
  /** Stops launcher, web app, runner and database together. Safe to call when not started. */
  stop(): Promise<void>
  /** The platform's last output lines, to print when a test fails. */
  outputTail(lines?: number): string
  /** Docker resources (containers, volumes or networks) of this platform's runner instance. */
  dockerIds(kind: 'container' | 'volume' | 'network'): string[]
  /** Removes whatever sandbox resources a failed earlier run left behind (End removes them normally). */
  removeLeftoverSandboxes(): void
}

export function labPlatform(options: LabPlatformOptions): LabPlatform {
  const baseUrl = `http://127.0.0.1:${options.port}`
  const output: string[] = []
  let child: ChildProcess | undefined

  const dockerIds = (kind: 'container' | 'volume' | 'network'): string[] => {
    const filter = `label=academy.runner=${options.runnerInstance}`
    const args =
      kind === 'container' ? ['ps', '-aq', '--filter', filter] : [kind, 'ls', '-q', '--filter', filter]
    return execFileSync('docker', args, { encoding: 'utf8' }).split('\n').filter(Boolean)
  }

  return {
    baseUrl,
    runnerUrl: `http://127.0.0.1:${options.runnerPort}`,
    runnerInstance: options.runnerInstance,
    dockerIds,

    async start() {
      await rm(path.join(e2e.root, options.dataDir), { recursive: true, force: true })
      child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
        cwd: e2e.root,
        // Its own process group, so one signal stops launcher, web app, runner and database together.
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          ...e2e.serverEnv,
          DATA_DIR: options.dataDir,
          PORT: String(options.port),
          PUBLIC_URL: baseUrl,
          EMBEDDED_PG_PORT: String(options.embeddedPgPort),
          RUNNER_PORT: String(options.runnerPort),
          RUNNER_INSTANCE: options.runnerInstance,
          // The real labs, not the fixture lab of the main e2e platform.
          LABS_DIR: 'labs',
          ...options.env,
        },
      })
      // Always drained (a full pipe would stall the platform); shown when the test fails.
      child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()))
      child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()))
      await expect
        .poll(
          () =>
            fetch(`${baseUrl}/api/health`).then(
              (r) => r.ok,
              () => false,
            ),
          { timeout: 120_000, intervals: [500] },
        )
        .toBe(true)
    },

    async stop() {
      const platform = child
      if (
        !platform ||
        platform.exitCode !== null ||
        platform.signalCode !== null ||
        platform.pid === undefined
      )
        return
      const exited = new Promise((resolve) => platform.once('exit', resolve))
      process.kill(-platform.pid, 'SIGTERM')
      const stopped = await Promise.race([
        exited.then(() => true),
        new Promise((r) => setTimeout(() => r(false), 20_000)),
      ])
      if (!stopped) {
        try {
          process.kill(-platform.pid, 'SIGKILL')
        } catch {
          // already gone
        }
        await exited
      }
    },

    outputTail(lines = 80) {
      return output.join('').split('\n').slice(-lines).join('\n')
    },

    removeLeftoverSandboxes() {
      const containers = dockerIds('container')
      if (containers.length > 0)
        execFileSync('docker', ['rm', '-f', '-v', ...containers], { stdio: 'ignore' })
      const volumes = dockerIds('volume')
      if (volumes.length > 0) execFileSync('docker', ['volume', 'rm', '-f', ...volumes], { stdio: 'ignore' })
      const networks = dockerIds('network')
      if (networks.length > 0) execFileSync('docker', ['network', 'rm', ...networks], { stdio: 'ignore' })
    },
  }
}

// --------------------------------------------------------------------------- the learner's browser

/** A new learner signs up on the platform the page's context points at and lands on the dashboard. */
export async function signUpNewLearner(page: Page): Promise<TestAccount> {
  const account = newAccountDetails()
  await page.goto('/sign-up')
  await page.getByLabel('Name').fill(account.name)
  await page.getByLabel('Email').fill(account.email)
  await page.getByLabel('Password').fill(account.password)
  await page.getByRole('button', { name: 'Create account' }).click()
  await expect(page).toHaveURL(/\/dashboard$/)
  return account
}

// --------------------------------------------------------------------------- terminal helpers

/** The visible text of one host's terminal (xterm's DOM renderer), spaces normalised. */
export async function terminalText(page: Page, host: string): Promise<string> {
  const text = await page.getByTestId(`terminal-${host}`).locator('.xterm-rows').innerText()
  return text.replace(/\u00a0/g, ' ')
}

export async function openTerminal(page: Page, host: string) {
  await page.getByRole('tab', { name: `Terminal: ${host}` }).click()
  await expect(page.getByText(`${host}: Connected`)).toBeVisible({ timeout: 30_000 })
}

export async function typeInTerminal(page: Page, host: string, text: string) {
  await page.getByTestId(`terminal-${host}`).locator('.xterm-helper-textarea').focus()
  await page.keyboard.type(text)
  await page.keyboard.press('Enter')
}

/**
 * Pastes `text` through the browser's clipboard with Ctrl+Shift+V, as a learner pastes into a
 * Linux terminal (Ctrl+V alone is the shell's ^V), then presses Enter. Multi-line text arrives
 * as one bracketed paste, so the shell runs it only on that Enter.
 * Needs a context with the clipboard-read and clipboard-write permissions.
 */
export async function pasteInTerminal(page: Page, host: string, text: string) {
  await page.evaluate((t) => navigator.clipboard.writeText(t), text)
  await page.getByTestId(`terminal-${host}`).locator('.xterm-helper-textarea').focus()
  await page.keyboard.press('Control+Shift+V')
  await page.keyboard.press('Enter')
}

/**
 * Runs a command on a clean screen and returns the screen once its output shows `done`.
 */
export async function runAndRead(page: Page, host: string, command: string, done: RegExp): Promise<string> {
  // Clear first and wait for it, so the previous command's output cannot satisfy the wait.
  await typeInTerminal(page, host, 'clear')
  await expect.poll(async () => done.test(await terminalText(page, host)), { timeout: 10_000 }).toBe(false)
  await typeInTerminal(page, host, command)
  let text = ''
  await expect
    .poll(
      async () => {
        text = await terminalText(page, host)
        return done.test(text)
      },
      { timeout: 20_000 },
    )
    .toBe(true)
  return text
}

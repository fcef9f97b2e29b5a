// The launcher's background job that renders missing narrated lesson videos (`npm run videos`)
// once the web app is up: a fresh install gets a video on every lesson without the start waiting
// for them (docs/decisions/036-generated-lesson-videos.md). It runs once, at low CPU priority,
// in its own process group so stopping the platform also stops its ffmpeg, Festival and Chromium.
import { spawn } from 'node:child_process'
import os from 'node:os'
import readline from 'node:readline'
import type { ServiceState, Supervised } from './supervise'

export interface VideoJobOptions {
  cwd: string
  env: NodeJS.ProcessEnv
  log?: (line: string) => void
}

const PREFIX = 'Videos:'

export function startVideoJob(options: VideoJobOptions): Supervised & { pid: number | undefined } {
  const log = options.log ?? ((line: string) => console.log(line))
  let state: ServiceState = 'starting'
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/videos.ts'], {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  if (child.pid) {
    state = 'running'
    // Learners come first: the web app and the labs keep the CPU when they need it.
    try {
      os.setPriority(child.pid, 15)
    } catch {
      // Not permitted here: it still runs, just at normal priority.
    }
  }
  for (const stream of [child.stdout, child.stderr]) {
    readline.createInterface({ input: stream }).on('line', (line) => log(`${PREFIX} ${line}`))
  }
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      if (state !== 'stopped' && code !== 0) {
        log(
          `${PREFIX} Warning: generation ${signal ? `was killed by ${signal}` : `exited with code ${code}`}; ` +
            'lessons without a video show "No recording yet". Run `npm run videos` to retry.',
        )
      }
      if (state !== 'stopped') state = 'stopped'
      resolve()
    })
    child.once('error', (error) => {
      log(`${PREFIX} Warning: could not start the generator: ${error.message}`)
      state = 'stopped'
      resolve()
    })
  })

  const killGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, signal)
    } catch {
      // Already gone.
    }
  }
  const groupAlive = () => {
    try {
      if (child.pid) process.kill(-child.pid, 0)
      return !!child.pid
    } catch {
      return false
    }
  }
  return {
    pid: child.pid,
    name: 'the narrated video generator',
    state: () => state,
    restarts: () => 0,
    // A one-off job: there is never a restart to hold back.
    hold() {},
    async stop() {
      if (state === 'stopped' && !groupAlive()) return
      state = 'stopped'
      killGroup('SIGTERM')
      const timer = setTimeout(() => killGroup('SIGKILL'), 5000)
      await exited
      clearTimeout(timer)
      // Its own children (Festival, ffmpeg, esbuild's service) may outlive it by a moment.
      for (let i = 0; i < 30 && groupAlive(); i++) await new Promise((r) => setTimeout(r, 100))
      killGroup('SIGKILL')
    },
  }
}

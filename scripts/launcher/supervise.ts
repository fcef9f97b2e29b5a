// Keeps the platform's processes running: each one the launcher starts (database, lab-runner,
// web app, any later worker) is restarted with exponential back-off when it dies, given up
// after a crash loop with a message saying so, and stopped in reverse start order.
// See docs/decisions/024-supervised-launcher.md.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process'

export interface Exit {
  code: number | null
  signal: NodeJS.Signals | null
}

/** One running incarnation of a service. */
export interface Running {
  /** Resolves once, when this incarnation has ended (however it ended). */
  exited: Promise<Exit>
  /** Asks it to end (and makes sure it does); resolves when it has. */
  stop(): Promise<void>
}

export interface ServiceSpec {
  /** For messages: "the web app", "the lab-runner". */
  name: string
  start(): Running | Promise<Running>
  /**
   * When this service gives up, the launcher stops everything and exits non-zero (the
   * platform is useless without it). Otherwise the rest keeps running without it.
   */
  essential: boolean
  /** Printed with the give-up message: what still works and what to do. */
  giveUpHint?: string
}

export interface SupervisionPolicy {
  /** First restart delay; doubled after each crash up to maxDelayMs. */
  initialDelayMs: number
  maxDelayMs: number
  /** Give up after more than this many crashes within windowMs. */
  maxCrashes: number
  windowMs: number
  /** A run this long resets the back-off to initialDelayMs. */
  stableAfterMs: number
}

export const defaultPolicy: SupervisionPolicy = {
  initialDelayMs: 1000,
  maxDelayMs: 30_000,
  maxCrashes: 5,
  windowMs: 120_000,
  stableAfterMs: 60_000,
}

export type ServiceState = 'starting' | 'running' | 'restarting' | 'given-up' | 'stopped'

export interface Supervised {
  readonly name: string
  state(): ServiceState
  /** Restarts so far (not counting the first start). */
  restarts(): number
  /** No more restarts from now on (the current incarnation keeps running until `stop()`). */
  hold(): void
  /** Stops the current incarnation and any pending restart; resolves when it has ended. */
  stop(): Promise<void>
}

export interface SuperviseOptions {
  policy?: Partial<SupervisionPolicy>
  log?: (line: string) => void
  /** Called once if the service crash-loops and is given up. */
  onGiveUp?: (message: string) => void
  /** Called after every restart (not the first start), with the new incarnation. */
  onRestart?: (running: Running) => void
}

/** Backoff for the n-th consecutive crash (n >= 1). */
export function restartDelayMs(policy: SupervisionPolicy, consecutiveCrashes: number): number {
  const exponent = Math.max(0, Math.min(consecutiveCrashes - 1, 20))
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** exponent)
}

function describeExit(exit: Exit): string {
  return exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code ?? 'unknown'}`
}

/** Starts `spec` now and keeps it running until `stop()`. A failed start counts as a crash. */
export function supervise(spec: ServiceSpec, options: SuperviseOptions = {}): Supervised {
  const policy = { ...defaultPolicy, ...options.policy }
  const log = options.log ?? ((line: string) => console.warn(line))
  let state: ServiceState = 'starting'
  let current: Running | undefined
  let timer: NodeJS.Timeout | undefined
  let restarts = 0
  let consecutive = 0
  const crashes: number[] = []

  let held = false
  const handleExit = (exit: Exit, startedAt: number) => {
    current = undefined
    if (state === 'stopped' || held) return
    const now = Date.now()
    if (now - startedAt >= policy.stableAfterMs) consecutive = 0
    consecutive += 1
    crashes.push(now)
    while (crashes.length > 0 && now - crashes[0]! > policy.windowMs) crashes.shift()
    if (crashes.length > policy.maxCrashes) {
      state = 'given-up'
      const message =
        `Error: ${spec.name} ${describeExit(exit)} and has crashed ${crashes.length} times in ` +
        `${Math.round(policy.windowMs / 1000)} s; giving up on it (see its log above).` +
        (spec.giveUpHint ? ` ${spec.giveUpHint}` : '')
      log(message)
      options.onGiveUp?.(message)
      return
    }
    const delayMs = restartDelayMs(policy, consecutive)
    state = 'restarting'
    log(`Warning: ${spec.name} ${describeExit(exit)}; restarting it in ${delayMs / 1000} s.`)
    timer = setTimeout(() => {
      timer = undefined
      restarts += 1
      void launch(true)
    }, delayMs)
  }

  const launch = async (isRestart: boolean) => {
    if (state === 'stopped') return
    const startedAt = Date.now()
    let running: Running
    try {
      running = await spec.start()
    } catch (error) {
      log(`Warning: ${spec.name} could not start: ${error instanceof Error ? error.message : String(error)}`)
      handleExit({ code: null, signal: null }, startedAt)
      return
    }
    if ((state as ServiceState) === 'stopped') {
      // stop() was called while it was starting.
      await running.stop()
      return
    }
    current = running
    state = 'running'
    if (isRestart) options.onRestart?.(running)
    void running.exited.then((exit) => handleExit(exit, startedAt))
  }

  const starting = launch(false)

  return {
    name: spec.name,
    state: () => state,
    restarts: () => restarts,
    hold() {
      held = true
      if (timer) clearTimeout(timer)
      timer = undefined
    },
    async stop() {
      const was = state
      state = 'stopped'
      if (timer) clearTimeout(timer)
      timer = undefined
      if (was === 'starting') await starting
      await current?.stop()
      current = undefined
    },
  }
}

/** A child process as a `Running`: SIGTERM on stop, SIGKILL after `graceMs`. */
export function runningProcess(child: ChildProcess, graceMs = 10_000): Running {
  const exited = new Promise<Exit>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve({ code: child.exitCode, signal: child.signalCode })
      return
    }
    child.once('exit', (code, signal) => resolve({ code, signal }))
    // A spawn failure (missing binary) emits 'error' and may never emit 'exit'.
    child.once('error', () => resolve({ code: child.exitCode, signal: child.signalCode }))
  })
  return {
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
      await exited
      clearTimeout(timer)
    },
  }
}

/** `spawn` + `runningProcess`, for specs whose start is just a command. */
export function spawnRunning(
  command: string,
  args: string[],
  options: SpawnOptions,
  graceMs?: number,
): Running {
  return runningProcess(spawn(command, args, options), graceMs)
}

/** Polls a process we did not spawn (e.g. a postmaster started by a library) until it is gone. */
export function watchPid(pid: number, stop: () => Promise<void>, intervalMs = 500): Running {
  let timer: NodeJS.Timeout | undefined
  const exited = new Promise<Exit>((resolve) => {
    const check = () => {
      try {
        process.kill(pid, 0)
        timer = setTimeout(check, intervalMs)
      } catch {
        resolve({ code: null, signal: null })
      }
    }
    check()
  })
  return {
    exited,
    async stop() {
      await stop()
      if (timer) clearTimeout(timer)
    },
  }
}

/** Services started in order; `stopAll` stops them in reverse order, one after another. */
export class SupervisorGroup {
  private readonly services: Supervised[] = []

  add(service: Supervised): Supervised {
    this.services.push(service)
    return service
  }

  async stopAll(): Promise<void> {
    // A signal to the whole process group reaches every child at once: none may be restarted
    // while the ones before it in the shutdown order are still stopping.
    for (const service of this.services) service.hold()
    for (const service of [...this.services].reverse()) await service.stop()
  }
}

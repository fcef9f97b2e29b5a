// Test-only harness for lab tests (`labs/<slug>/lab.test.ts`): provisions one real sandbox of a
// lab through the lab-runner's own SandboxRegistry and runs the lab's check / solve scripts the
// way the runner does (runScript, from the host the step names, with the sandbox's variables).
// Every Docker resource carries `academy.test=1` and a runner instance unique to this harness,
// so teardown removes exactly what this harness created. API and usage: ./README.md.
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import Docker from 'dockerode'
import { afterAll, beforeAll, expect } from 'vitest'
import { ensureImages } from '../../scripts/images/build-images'
import type { ScriptResult } from '../../contracts/runner-api'
import { runScript } from '../../lab-runner/src/exec/run-script'
import {
  isolateHost,
  killService,
  pauseService,
  restartService,
  restoreHost,
  stopService,
  unpauseService,
  type FaultAction,
  type FaultResult,
  type FaultTarget,
} from '../../lab-runner/src/faults/service-faults'
import type { DashboardResult } from '../../contracts/dashboard'
import { runDashboard } from '../../lab-runner/src/dashboard/run-dashboard'
import { formatLabError, loadLabDefinitions, type LoadedLab } from '../../contracts/load-lab-definitions'
import { runnerLabOptions } from '../../lab-runner/src/labs/read-lab-topology'
import { createHookRunner } from '../../lab-runner/src/sandboxes/lab-hooks'
import { LABEL } from '../../lab-runner/src/sandboxes/labels'
import {
  SandboxRegistry,
  type Logger,
  type SandboxRef,
} from '../../lab-runner/src/sandboxes/sandbox-registry'
import { labTestEngine } from './lab-engine'

export type { ScriptResult, FaultAction, FaultResult }

/** The labs folder of this repository. */
export const LABS_DIR = path.resolve(import.meta.dirname, '..')
/** Solve scripts get the runner's solve timeout (lab-routes.ts). */
const SOLVE_TIMEOUT_S = 120

export interface ProvisionOptions {
  /** Fixed `ACADEMY_SEED` (default: what the registry picks for the lab's `variantSeed`). */
  seed?: string
  /** Build missing images first (default true; cached images are reused in about a second). */
  ensureImages?: boolean
  /** Give up on provisioning after this long (default 240 s). */
  provisionTimeoutMs?: number
  /** Print the registry's log lines (default: only warnings and errors). */
  verbose?: boolean
}

export interface ExecResult {
  exitCode: number | null
  /** stdout and stderr interleaved. */
  output: string
  durationMs: number
}

export interface StepTiming {
  stepId: string
  kind: 'check' | 'solve'
  passed: boolean
  durationMs: number
}

export interface LabSandbox {
  id: string
  lab: LoadedLab
  /** The sandbox's variables (ACADEMY_SEED, POSTGRES_PASSWORD, …), as check scripts see them. */
  env: Readonly<Record<string, string>>
  /** Seconds from create to ready (all healthchecks green and the setup hook done). */
  provisionSeconds: number
  /** Step ids in lab order. */
  stepIds: string[]
  /** Runs the step's check exactly as the runner does (its host, its timeout). */
  check(stepId: string): Promise<ScriptResult>
  /** Runs the step's solve script (its host, 120 s). */
  solve(stepId: string): Promise<ScriptResult>
  /** Runs a bash script on a host (default user of the image) with the sandbox's variables. */
  runScript(
    host: string,
    script: string,
    options?: { timeoutS?: number; user?: string },
  ): Promise<ScriptResult>
  /** Runs one shell command on a host; `user` defaults to the image's user. */
  exec(host: string, command: string, options?: { timeoutS?: number; user?: string }): Promise<ExecResult>
  /** A service fault (stop, kill, pause, unpause, restart, isolate, restore), as the runner's fault route does it. */
  fault(action: FaultAction, host: string): Promise<FaultResult>
  /** The lab's in-app dashboard as the runner's dashboard route builds it (throws when the lab has none). */
  dashboard(rangeS?: number): Promise<DashboardResult>
  /** Every check/solve run so far, for the test's report. */
  timings: StepTiming[]
  /** Removes the sandbox and everything labelled with this harness's runner instance. Safe to call twice. */
  teardown(): Promise<void>
}

const faultActions: Record<FaultAction, (target: FaultTarget) => Promise<FaultResult>> = {
  stop: stopService,
  kill: killService,
  pause: pauseService,
  unpause: unpauseService,
  restart: restartService,
  isolate: isolateHost,
  restore: restoreHost,
}

function logger(verbose: boolean, labSlug: string): Logger {
  const line = (level: string, message: string, fields?: Record<string, unknown>) =>
    console.log(`[lab-harness ${labSlug}] ${level} ${message}${fields ? ` ${JSON.stringify(fields)}` : ''}`)
  return {
    info: (m, f) => (verbose ? line('info', m, f) : undefined),
    warn: (m, f) => line('warn', m, f),
    error: (m, f) => line('error', m, f),
  }
}

/** Removes every container, volume and network carrying this runner instance's label. */
async function removeInstanceResources(docker: Docker, instance: string): Promise<void> {
  const filters = { label: [`${LABEL.runner}=${instance}`] }
  const containers = await docker.listContainers({ all: true, filters })
  await Promise.all(
    containers.map((c) =>
      docker
        .getContainer(c.Id)
        .remove({ force: true, v: true })
        .catch(() => undefined),
    ),
  )
  for (const v of (await docker.listVolumes({ filters })).Volumes ?? [])
    await docker
      .getVolume(v.Name)
      .remove()
      .catch(() => undefined)
  for (const n of await docker.listNetworks({ filters }))
    await docker
      .getNetwork(n.Id)
      .remove()
      .catch(() => undefined)
}

/**
 * Provisions a sandbox of `labs/<labSlug>` on the real engine and returns handles to drive it.
 * Throws (with the reason) when images cannot be built, the lab does not load, or the sandbox
 * fails to provision — a lab test cannot do anything useful then.
 */
export async function provisionLab(labSlug: string, options: ProvisionOptions = {}): Promise<LabSandbox> {
  if (options.ensureImages ?? true) {
    const images = await ensureImages({ labels: { 'academy.test': '1' } })
    if (!images.ok) throw new Error(`lab images could not be built (${images.reason}): ${images.message}`)
  }
  const catalog = loadLabDefinitions(LABS_DIR, runnerLabOptions)
  const lab = catalog.labs.get(labSlug)
  if (!lab) {
    const problems = catalog.errors.filter((e) => e.file.includes(`/${labSlug}/`)).map(formatLabError)
    throw new Error(
      `lab "${labSlug}" did not load from ${LABS_DIR}${problems.length ? `:\n${problems.join('\n')}` : ' (no such folder?)'}`,
    )
  }

  const docker = new Docker()
  const { engine, dispose } = await labTestEngine(`lab-${labSlug}`)
  const instance = `labtest-${labSlug}-${randomBytes(4).toString('hex')}`
  // The registry is created before it knows the sandbox id; scripts look the env up lazily.
  let registry: SandboxRegistry | undefined
  const envOf = (id: string) => registry?.scriptEnv(id)
  registry = new SandboxRegistry({
    engine,
    catalog,
    labsDir: LABS_DIR,
    maxSandboxes: 1,
    instance,
    extraLabels: { 'academy.test': '1' },
    provisionTimeoutMs: options.provisionTimeoutMs ?? 240_000,
    reapIntervalMs: 3_600_000,
    runHook: createHookRunner(engine.containers, envOf),
    log: logger(options.verbose ?? false, labSlug),
  })
  const reg = registry
  let tornDown = false
  const teardown = async () => {
    if (tornDown) return
    tornDown = true
    for (const sandbox of reg.list()) await reg.delete(sandbox.id).catch(() => undefined)
    await reg.stop()
    await removeInstanceResources(docker, instance)
    await dispose()
  }

  try {
    await reg.start()
    const started = performance.now()
    const outcome = await reg.create({
      userId: 'lab-test',
      labSlug,
      ...(options.seed ? { seed: options.seed } : {}),
    })
    if (outcome.status !== 'ready' && outcome.status !== 'provisioning') {
      throw new Error(`could not create a "${labSlug}" sandbox: ${JSON.stringify(outcome)}`)
    }
    const settled = await reg.whenSettled(outcome.sandbox.id)
    if (settled?.state !== 'ready')
      throw new Error(
        `the "${labSlug}" sandbox did not become ready: ${settled?.error ?? settled?.state ?? 'gone'}`,
      )
    const provisionSeconds = (performance.now() - started) / 1000
    const id = settled.id

    const ref = (): SandboxRef => {
      const sandbox = reg.getSandbox(id)
      if (!sandbox) throw new Error(`sandbox ${id} is no longer ready`)
      return sandbox
    }
    const env = reg.scriptEnv(id) ?? {}
    const timings: StepTiming[] = []
    const step = (stepId: string) => {
      const found = lab.definition.steps.find((s) => s.id === stepId)
      if (!found)
        throw new Error(
          `lab "${labSlug}" has no step "${stepId}" (steps: ${lab.definition.steps.map((s) => s.id).join(', ')})`,
        )
      return found
    }
    const run = (host: string | undefined, script: string, timeoutS: number, user?: string) =>
      runScript({
        docker: engine.containers,
        sandbox: ref(),
        host,
        script,
        timeoutS,
        env,
        ...(user ? { user } : {}),
      })
    const stepScript = async (stepId: string, kind: 'check' | 'solve') => {
      const spec = step(stepId)[kind]
      const timeoutS = kind === 'check' ? step(stepId).check.timeoutS : SOLVE_TIMEOUT_S
      const result = await run(spec.host, readFileSync(path.resolve(lab.dir, spec.script), 'utf8'), timeoutS)
      timings.push({ stepId, kind, passed: result.passed, durationMs: result.durationMs })
      return result
    }

    return {
      id,
      lab,
      env,
      provisionSeconds,
      stepIds: lab.definition.steps.map((s) => s.id),
      check: (stepId) => stepScript(stepId, 'check'),
      solve: (stepId) => stepScript(stepId, 'solve'),
      runScript: (host, script, opts = {}) => run(host, script, opts.timeoutS ?? 60, opts.user),
      exec: async (host, command, opts = {}) => {
        const result = await run(host, command, opts.timeoutS ?? 30, opts.user)
        if (result.error) throw new Error(result.error.message)
        return { exitCode: result.exitCode, output: result.output, durationMs: result.durationMs }
      },
      fault: async (action, host) => {
        // Faults act on the engine running the host, as the runner's fault route does.
        const containerId = ref().hosts[host]?.containerId
        const result = await faultActions[action]({
          docker: containerId ? engine.engineFor(containerId) : engine.control,
          sandbox: ref(),
          host,
        })
        if (result.status === 'done' && result.changed) await reg.refreshHosts(id)
        return result
      },
      dashboard: (rangeS = 900) => {
        const { dashboard, editableFiles } = lab.definition
        if (!dashboard) throw new Error(`lab "${labSlug}" has no dashboard section`)
        return runDashboard({
          docker: engine.containers,
          reach: engine.reach,
          sandbox: ref(),
          dashboard,
          editableFiles,
          rangeS,
        })
      },
      timings,
      teardown,
    }
  } catch (error) {
    await teardown()
    throw error
  }
}

/** Provisions, runs `body`, and always tears down. */
export async function withLabSandbox<T>(
  labSlug: string,
  body: (lab: LabSandbox) => Promise<T>,
  options?: ProvisionOptions,
): Promise<T> {
  const lab = await provisionLab(labSlug, options)
  try {
    return await body(lab)
  } finally {
    await lab.teardown()
  }
}

/** One line per script result, for assertion messages: exit code, FAIL/HINT lines, output tail. */
export function describeResult(result: ScriptResult): string {
  const lines = [
    `exit=${result.exitCode ?? 'none'} timedOut=${result.timedOut} ${result.durationMs} ms`,
    ...result.feedback.fail.map((l) => `FAIL: ${l}`),
    ...result.feedback.hint.map((l) => `HINT: ${l}`),
    `--- output (tail) ---\n${result.output.slice(-1500)}`,
  ]
  return lines.join('\n')
}

/** A table of the recorded check/solve durations, for the test's console report. */
export function formatTimings(lab: LabSandbox): string {
  const rows = lab.timings.map(
    (t) =>
      `${t.kind.padEnd(5)} ${t.stepId.padEnd(28)} ${t.passed ? 'pass' : 'fail'} ${String(t.durationMs).padStart(6)} ms`,
  )
  return [`${lab.lab.definition.slug}: provisioned in ${lab.provisionSeconds.toFixed(1)} s`, ...rows].join(
    '\n',
  )
}

export interface LabSuiteOptions {
  /** Fixed `ACADEMY_SEED` of the sandbox. */
  seed: string
  /** Runs once the sandbox is ready, before the first test (e.g. reads the scenario). */
  ready?: (lab: LabSandbox) => Promise<void>
  /** Time for provisioning plus `ready` (default 300 s). */
  beforeAllTimeoutMs?: number
}

/**
 * What every `labs/<slug>/lab.test.ts` shares: provisions the lab before the file's tests and hands
 * the sandbox to `onProvisioned`; after them prints the timings and total test time and tears the
 * sandbox down. Call it at the top of the test file.
 */
export function provisionLabForSuite(
  labSlug: string,
  onProvisioned: (lab: LabSandbox) => void,
  { seed, ready, beforeAllTimeoutMs = 300_000 }: LabSuiteOptions,
): void {
  const started = performance.now()
  let lab: LabSandbox | undefined
  beforeAll(async () => {
    lab = await provisionLab(labSlug, { seed })
    onProvisioned(lab)
    await ready?.(lab)
  }, beforeAllTimeoutMs)
  afterAll(async () => {
    if (!lab) return
    console.log(formatTimings(lab))
    console.log(`${labSlug}: total test time ${((performance.now() - started) / 1000).toFixed(1)} s`)
    await lab.teardown()
  }, 120_000)
}

/** Runs the step's check and expects it to fail with FAIL lines matching every pattern. */
export async function expectCheckFails(
  lab: LabSandbox,
  stepId: string,
  ...expected: RegExp[]
): Promise<void> {
  const result = await lab.check(stepId)
  expect(result.passed, describeResult(result)).toBe(false)
  expect(result.feedback.fail.length, describeResult(result)).toBeGreaterThan(0)
  const fails = result.feedback.fail.join('\n')
  for (const pattern of expected) expect(fails, describeResult(result)).toMatch(pattern)
}

/** Runs the step's check and expects it to pass; returns its output. */
export async function expectCheckPasses(lab: LabSandbox, stepId: string): Promise<string> {
  const result = await lab.check(stepId)
  expect(result.passed, describeResult(result)).toBe(true)
  return result.output
}

/** Runs the step's solve script and expects it to succeed. */
export async function expectSolvePasses(lab: LabSandbox, stepId: string): Promise<void> {
  const result = await lab.solve(stepId)
  expect(result.passed, describeResult(result)).toBe(true)
}

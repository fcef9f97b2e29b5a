// npm run bench:cohort [-- --learners 10] [-- --claims 5] [-- --idle 3] [-- --starting 2] [-- --settle 60]
// A cohort starting a lab together, on this machine, with the reference HA stack:
//  - docker-compose 1.29 on the same topology file (top-level `name:` removed) against the
//    runner's cold start, both to every service healthy: ratio (target ≤ 0.5×);
//  - warm claim → terminal connected (POST /v1/sandboxes, ticket, WebSocket prompt), p50/p95,
//    for a lab shared by everyone and for a per-learner seed (handed to the running services);
//  - N learners pressing Start within 5 s, without and with a pool sized for them: p50/p95/max
//    time to a connected terminal;
//  - idle cost of a warm pool of --idle sandboxes: memory and CPU.
// A warmed pool is left --settle seconds before it is claimed from: a scheduled session warms its
// pool ten minutes ahead, so learners meet settled sandboxes, not ones still starting up.
// Prints one table. The runner runs in this process; everything it creates is removed at the end.
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import Docker from 'dockerode'
import { createRunnerServer } from '../../lab-runner/src/http/runner-server'
import { createHookRunner } from '../../lab-runner/src/sandboxes/lab-hooks'
import { placeholderVariables } from '../../lab-runner/src/sandboxes/sandbox-variables'
import { WarmPools } from '../../lab-runner/src/sandboxes/warm-pools'
import {
  connectTerminal,
  expectConnected,
  TEST_ORIGIN,
} from '../../lab-runner/src/terminal/test-support/terminal-client'
import { createTicketStore } from '../../lab-runner/src/terminal/tickets'
import { declaredSecretNames } from '../../lab-runner/src/topology/parse-topology'
import {
  boundedRun,
  describeMachine,
  flagValue,
  fmt,
  machineBusyCores,
  requireStackImages,
} from './support/bench-kit'
import {
  HA_STACK_SLUG,
  haStackCatalog,
  median,
  mib,
  newHaStackRegistry,
  percentile,
  quietLog,
  removeRunnerResources,
  repoRoot,
  sandboxMemory,
  waitAllHealthy,
} from './support/ha-stack-lab'

const run = promisify(execFile)
const docker = new Docker()
const learners = flagValue('learners', 10)
const claims = flagValue('claims', 5)
const idle = flagValue('idle', 3)
const starting = flagValue('starting', 2)
const settleMs = flagValue('settle', 60) * 1000
// A connected terminal on a saturated machine can take long; a sample is measured, not dropped.
const TERMINAL_WAIT_MS = 120_000
const topologyFile = path.join(repoRoot, 'labs/topologies/ha-stack.yaml')

const token = randomBytes(32).toString('hex')
const catalog = haStackCatalog()
const { registry, instance } = newHaStackRegistry({
  docker,
  catalog,
  maxSandboxes: learners + 2,
  maxConcurrentProvisioning: starting,
  runHook: (options) => createHookRunner(docker, (id) => registry.scriptEnv(id))(options),
  onStart: (event) => pools.recordStart(event),
})
const pools: WarmPools = new WarmPools({
  registry,
  catalog,
  labsDir: repoRoot,
  defaultSizes: {},
  memoryBudgetBytes: 64 * 1024 ** 3,
  maxSandboxes: learners + 2,
  maxAgeMs: 3_600_000,
  tickIntervalMs: 500,
  log: quietLog,
})
const runner = createRunnerServer({
  registry,
  tickets: createTicketStore({ ttlMs: 30_000 }),
  serviceToken: token,
  publicOrigins: [TEST_ORIGIN],
  log: quietLog,
  labErrors: 0,
  pools,
})
let base = ''
const rows: Array<[string, string, string]> = []
/** Each figure is printed as soon as it is measured (a run cut short still shows what it got), then all in one table. */
function record(row: [string, string, string]): void {
  rows.push(row)
  console.log(`  ${row[0]}: ${row[1]}${row[2] ? `  (${row[2]})` : ''}`)
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function api<T>(method: string, url: string, body?: unknown): Promise<T> {
  const res = await fetch(base + url, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  }).catch((error: unknown) => {
    // fetch's own message is only "fetch failed"; the cause says what happened.
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error)
    throw new Error(`${method} ${url} failed: ${cause}`)
  })
  return (await res.json()) as T
}

/** Where a start's seconds went: the claim (POST), status until ready, ticket, socket open, prompt. */
type Phases = { claim: number; ready: number; ticket: number; socket: number; prompt: number }

/** What the web app and browser do: Start (repeated while queued), poll until ready, open the terminal. */
async function startToTerminal(
  userId: string,
  seed?: string,
): Promise<{ id: string; seconds: number; start: string; phases: Phases }> {
  const started = performance.now()
  let mark = started
  const lap = () => {
    const now = performance.now()
    const seconds = (now - mark) / 1000
    mark = now
    return seconds
  }
  let id: string | undefined
  let start = ''
  let state = ''
  while (!id) {
    const created = await api<{ status: string; start?: string; sandbox?: { id: string; state: string } }>(
      'POST',
      '/v1/sandboxes',
      {
        userId,
        labSlug: HA_STACK_SLUG,
        ...(seed ? { seed } : {}),
      },
    )
    start = created.start ?? ''
    id = created.sandbox?.id
    state = created.sandbox?.state ?? ''
    if (!id) await sleep(1000)
  }
  const claim = lap()
  // The web app asks for the status only while the answer was not yet ready, as here.
  while (state !== 'ready') {
    await sleep(100)
    const status = await api<{ sandbox: { state: string; error?: string } }>('GET', `/v1/sandboxes/${id}`)
    state = status.sandbox.state
    if (state === 'failed') throw new Error(`sandbox ${id} failed: ${status.sandbox.error ?? ''}`)
  }
  const ready = lap()
  const minted = await api<{ ticket: string }>('POST', `/v1/sandboxes/${id}/tickets`, {
    userId,
    host: 'workstation',
    mode: 'rw',
  })
  const ticket = lap()
  const client = expectConnected(
    await connectTerminal(base, { ticket: minted.ticket, cols: '120', rows: '40' }),
  )
  await client.waitForMessage('hello', TERMINAL_WAIT_MS)
  const socket = lap()
  await client.waitForText(/\$ /, TERMINAL_WAIT_MS)
  const prompt = lap()
  const seconds = (performance.now() - started) / 1000
  client.close()
  return { id, seconds, start, phases: { claim, ready, ticket, socket, prompt } }
}

/** Median seconds of each phase, as "claim 0.21 · ready 0.00 · …". */
function phaseMedians(runs: Array<{ phases: Phases }>): string {
  const names = ['claim', 'ready', 'ticket', 'socket', 'prompt'] as const
  return names.map((n) => `${n} ${fmt(median(runs.map((r) => r.phases[n])), 2)}`).join(' · ')
}

/**
 * Removes sandboxes `starting` at a time: ten full stacks torn down at once kept the engine busy for
 * longer than fetch waits for response headers, and the bench died in its cleanup.
 */
async function removeAll(ids: string[]): Promise<void> {
  const queue = [...ids]
  const worker = async () => {
    for (let id = queue.shift(); id; id = queue.shift()) await api('DELETE', `/v1/sandboxes/${id}`)
  }
  await Promise.all(Array.from({ length: Math.max(1, starting) }, worker))
}

/** Fills the pool to `size` ready sandboxes, lets them settle, and says how busy the machine stays. */
async function warmPool(size: number): Promise<string> {
  pools.configure({ labs: { [HA_STACK_SLUG]: size } })
  for (;;) {
    const pool = pools.status().pools.find((p) => p.key === `lab:${HA_STACK_SLUG}`)
    if ((pool?.ready ?? 0) >= size) break
    await sleep(500)
  }
  await sleep(Math.max(0, settleMs - 10_000))
  return `machine ${fmt(await machineBusyCores(10_000), 1)} of ${os.cpus().length} cores busy at claim time`
}

/** Failed samples are counted and their first reason kept, so one slow terminal does not lose the run. */
function failures(results: PromiseSettledResult<unknown>[]): string {
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
  if (failed.length === 0) return ''
  const reason = failed[0]?.reason instanceof Error ? failed[0].reason.message : String(failed[0]?.reason)
  return `${failed.length} failed (${reason.split('\n')[0]})`
}

const notes = (...parts: string[]) => parts.filter(Boolean).join('; ')

const fulfilled = <T>(results: PromiseSettledResult<T>[]): T[] =>
  results.filter((r): r is PromiseFulfilledResult<T> => r.status === 'fulfilled').map((r) => r.value)

async function composeColdStart(): Promise<number> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-compose-'))
  // Compose resolves relative binds against the file's folder: keep the file beside the original.
  const file = path.join(path.dirname(topologyFile), `.bench-compose-${randomBytes(3).toString('hex')}.yaml`)
  const text = readFileSync(topologyFile, 'utf8').replace(/^name:.*$/m, '')
  writeFileSync(file, text)
  const project = `benchcohort${randomBytes(3).toString('hex')}`
  const env = { ...process.env, ...placeholderVariables(declaredSecretNames(text)), ACADEMY_SEED: '1' }
  const args = ['-f', file, '-p', project]
  try {
    const started = performance.now()
    await run('docker-compose', [...args, 'up', '-d'], { env, maxBuffer: 16 * 1024 ** 2 })
    for (;;) {
      const { stdout } = await run('docker', [
        'ps',
        '-a',
        '--filter',
        `label=com.docker.compose.project=${project}`,
        '--format',
        '{{.Status}}',
      ])
      const statuses = stdout.trim().split('\n').filter(Boolean)
      const pending = statuses.filter(
        (s) =>
          s.includes('starting') ||
          s.includes('unhealthy') ||
          (s.startsWith('Exited') && !s.startsWith('Exited (0)')) ||
          s.startsWith('Created'),
      )
      if (statuses.length > 0 && pending.length === 0) return (performance.now() - started) / 1000
      if (performance.now() - started > 300_000)
        throw new Error(`compose never became healthy: ${statuses.join('; ')}`)
      await sleep(250)
    }
  } finally {
    await run('docker-compose', [...args, 'down', '-v', '--remove-orphans'], { env }).catch(() => undefined)
    rmSync(file, { force: true })
    rmSync(dir, { recursive: true, force: true })
  }
}

async function cpuPercent(ids: string[]): Promise<number> {
  let total = 0
  for (const id of ids) {
    for (const host of Object.values(registry.getSandbox(id)?.hosts ?? {})) {
      const stats = (await docker
        .getContainer(host.containerId)
        .stats({ stream: false })) as Docker.ContainerStats
      const cpu = stats.cpu_stats.cpu_usage.total_usage - stats.precpu_stats.cpu_usage.total_usage
      const system = (stats.cpu_stats.system_cpu_usage ?? 0) - (stats.precpu_stats.system_cpu_usage ?? 0)
      const cores = stats.cpu_stats.online_cpus ?? 1
      if (system > 0) total += (cpu / system) * cores * 100
    }
  }
  return total
}

const summary = (values: number[]) =>
  `p50 ${fmt(median(values), 2)} s · p95 ${fmt(percentile(values, 95), 2)} s · max ${fmt(Math.max(...values), 2)} s`

await boundedRun({
  name: 'bench:cohort',
  // Ten full stacks started twice and a pool of ten warmed take long on two cores.
  limitMs: 45 * 60_000,
  body: async () => {
    console.log(`machine at start: ${await describeMachine(instance)}`)
    const baselineCores = await machineBusyCores(10_000)
    await requireStackImages()
    await registry.start()
    pools.start()
    await new Promise<void>((resolve) => runner.server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(runner.server.address() as AddressInfo).port}`

    // 1. docker-compose against the runner's cold start, both to every service healthy.
    const composeS = await composeColdStart()
    const coldStartedAt = performance.now()
    const cold = await startToTerminal('bench-cold')
    const lab = catalog.labs.get(HA_STACK_SLUG)
    if (!lab) throw new Error('ha-stack lab missing')
    const healthy = await waitAllHealthy(docker, cold.id, lab, {
      startedAt: coldStartedAt,
      timeoutMs: 240_000,
    })
    const runnerHealthyS = healthy.seconds
    await removeAll([cold.id])
    record(['docker-compose 1.29 up → all healthy', `${fmt(composeS)} s`, 'peer baseline'])
    record([
      'runner cold start → terminal / all healthy',
      `${fmt(cold.seconds)} s / ${fmt(runnerHealthyS)} s`,
      '',
    ])
    record(['ratio runner (all healthy) / compose', `${fmt(runnerHealthyS / composeS, 2)}×`, 'target ≤ 0.5×'])

    // 2. Warm claim → terminal connected.
    for (const variant of [false, true]) {
      const busy = await warmPool(claims)
      const settled: PromiseSettledResult<Awaited<ReturnType<typeof startToTerminal>>>[] = []
      for (let i = 0; i < claims; i++) {
        // One at a time, so each claim meets a ready sandbox (the pool refills in the background).
        const attempt = startToTerminal(`bench-claim-${variant}-${i}`, variant ? String(1000 + i) : undefined)
        settled.push(...(await Promise.allSettled([attempt])))
      }
      pools.configure({ labs: { [HA_STACK_SLUG]: 0 } })
      const done = fulfilled(settled)
      await removeAll(done.map((r) => r.id))
      const samples = done.map((r) => r.seconds)
      const cold = done.filter((r) => r.start !== 'warm').length
      record([
        `warm claim → terminal, ${variant ? 'per-learner seed (handed over live)' : 'shared seed'} (${claims} claims)`,
        `p50 ${fmt(median(samples), 2)} s · p95 ${fmt(percentile(samples, 95), 2)} s`,
        notes(variant ? '' : 'target p95 < 1 s', busy, cold > 0 ? `${cold} not warm` : '', failures(settled)),
      ])
      record(['  of which (median s)', phaseMedians(done), ''])
    }
    await pools.tick()

    // 3. N learners pressing Start within 5 s, without and with a pool sized for them.
    for (const pooled of [false, true]) {
      const busy = pooled ? await warmPool(learners) : ''
      const settled = await Promise.allSettled(
        Array.from({ length: learners }, async (_, i) => {
          await sleep((5000 * i) / learners)
          return startToTerminal(`bench-${pooled ? 'pool' : 'cold'}-learner-${i}`)
        }),
      )
      pools.configure({ labs: { [HA_STACK_SLUG]: 0 } })
      const results = fulfilled(settled)
      await removeAll(results.map((r) => r.id))
      const warm = results.filter((r) => r.start === 'warm').length
      record([
        `${learners} learners Start within 5 s, ${pooled ? `pool of ${learners}` : 'no pool'}`,
        summary(results.map((r) => r.seconds)),
        notes(pooled ? `${warm}/${learners} warm; target p95 < 3 s` : '', busy, failures(settled)),
      ])
    }
    await pools.tick()

    // 4. Idle cost of a warm pool.
    await warmPool(idle)
    const ids = registry.pooled().map((p) => p.id)
    const memory = await Promise.all(ids.map(async (id) => (await sandboxMemory(id)).totalBytes))
    const cpu = await cpuPercent(ids)
    const machineCores = (await machineBusyCores(20_000)) - baselineCores
    record([
      `idle warm pool of ${ids.length}`,
      `${fmt(mib(memory.reduce((a, b) => a + b, 0)), 0)} MiB · containers ${fmt(cpu, 1)} % of one core · ` +
        `machine +${fmt(machineCores * 100, 0)} % of one core`,
      `${fmt(mib(median(memory)), 0)} MiB per sandbox; machine figure includes the engine's healthcheck execs`,
    ])
    pools.configure({ labs: { [HA_STACK_SLUG]: 0 } })
    await pools.tick()

    const width = Math.max(...rows.map((r) => r[0].length))
    const width2 = Math.max(...rows.map((r) => r[1].length))
    console.log(`\n## bench:cohort (RUNNER_MAX_STARTING=${starting})\n`)
    for (const [label, value, note] of rows)
      console.log(`${label.padEnd(width)}  ${value.padEnd(width2)}  ${note}`)
  },
  cleanup: async () => {
    console.log(`\nmachine at end: ${await describeMachine(instance)}`)
    pools.stop()
    if (runner.server.listening) await runner.close()
    await registry.stop()
    await removeRunnerResources(docker, instance)
  },
})

// npm run bench:runner [-- --runs 3] [-- --parallel 5] [-- --starting 2]
// The lab-runner as a learner meets it, over its real REST API and terminal WebSocket on
// loopback, with full HA-stack sandboxes on this machine's engine:
//  - sandbox ready (POST /v1/sandboxes until GET says ready): one at a time, then N at once
//    with at most --starting provisioning together (the runner's RUNNER_MAX_STARTING);
//  - keystroke echo round trip through the terminal WebSocket (p50 / p99 over ~300 keys);
//  - flood throughput (`yes` through the terminal until 50 MB reached the client, or 30 s)
//    and the Ctrl-C latency right after;
//  - check latency (REST → script in the grader → result), median over 20 runs;
//  - memory per idle sandbox and how many would fit in 20 GB.
// The runner runs in this process on 127.0.0.1; everything it creates is removed at the end.
import { randomBytes } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import Docker from 'dockerode'
import { createRunnerServer } from '../../lab-runner/src/http/runner-server'
import { createHookRunner } from '../../lab-runner/src/sandboxes/lab-hooks'
import {
  connectTerminal,
  expectConnected,
  TEST_ORIGIN,
  type TerminalClient,
} from '../../lab-runner/src/terminal/test-support/terminal-client'
import { createTicketStore } from '../../lab-runner/src/terminal/tickets'
import {
  boundedRun,
  describeMachine,
  flagValue,
  fmt,
  header,
  line,
  requireStackImages,
} from './support/bench-kit'
import {
  HA_STACK_SLUG,
  median,
  mib,
  newHaStackRegistry,
  percentile,
  removeRunnerResources,
  sandboxMemory,
} from './support/ha-stack-lab'

const docker = new Docker()
const runs = flagValue('runs', 3)
const parallel = flagValue('parallel', 5)
const starting = flagValue('starting', 2)
const KEYSTROKES = 300
const FLOOD_TARGET_BYTES = 50 * 1024 * 1024
const FLOOD_LIMIT_MS = 30_000
const CHECK_RUNS = 20
const SETTLE_MS = 20_000
const BUDGET_BYTES = 20 * 1024 ** 3

const token = randomBytes(32).toString('hex')
// Hooks wired exactly as main.ts does (the fixture lab has none, so this costs nothing).
const { registry, instance } = newHaStackRegistry({
  docker,
  maxSandboxes: parallel + 1,
  maxConcurrentProvisioning: starting,
  runHook: (options) => createHookRunner(docker, (id) => registry.scriptEnv(id))(options),
})
const runner = createRunnerServer({
  registry,
  tickets: createTicketStore({ ttlMs: 30_000 }),
  serviceToken: token,
  publicOrigins: [TEST_ORIGIN],
  log: { info: () => {}, warn: () => {}, error: () => {} },
  labErrors: 0,
})
let base = ''
const clients: TerminalClient[] = []

async function api<T>(method: string, url: string, body?: unknown): Promise<{ status: number; json: T }> {
  const res = await fetch(base + url, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: res.status, json: (await res.json()) as T }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** POST /v1/sandboxes, then poll GET every 250 ms until ready: what the web app does. Seconds. */
async function timeSandboxReady(userId: string): Promise<{ id: string; seconds: number }> {
  const started = performance.now()
  const created = await api<{ status: string; sandbox?: { id: string } }>('POST', '/v1/sandboxes', {
    userId,
    labSlug: HA_STACK_SLUG,
  })
  const id = created.json.sandbox?.id
  if (!id) throw new Error(`create for ${userId} answered ${created.status}: ${JSON.stringify(created.json)}`)
  for (;;) {
    const status = await api<{ sandbox: { state: string; error?: string } }>('GET', `/v1/sandboxes/${id}`)
    if (status.json.sandbox.state === 'ready') return { id, seconds: (performance.now() - started) / 1000 }
    if (status.json.sandbox.state === 'failed')
      throw new Error(`sandbox ${id} failed: ${status.json.sandbox.error ?? ''}`)
    await sleep(250)
  }
}

async function deleteSandbox(id: string): Promise<void> {
  const res = await api('DELETE', `/v1/sandboxes/${id}`)
  if (res.status !== 200) throw new Error(`delete ${id} answered ${res.status}`)
}

async function openTerminal(sandboxId: string, tab: string): Promise<TerminalClient> {
  const minted = await api<{ ticket: string }>('POST', `/v1/sandboxes/${sandboxId}/tickets`, {
    userId: 'bench',
    host: 'workstation',
    mode: 'rw',
    tab,
  })
  const client = expectConnected(
    await connectTerminal(base, { ticket: minted.json.ticket, cols: '120', rows: '40' }),
  )
  clients.push(client)
  await client.waitForMessage('hello')
  await client.waitForText(/\$ /, 15_000)
  return client
}

function waitUntil(test: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const poll = () => {
      if (test()) resolve()
      else if (performance.now() - started > timeoutMs) reject(new Error(`timed out waiting for ${what}`))
      else setImmediate(poll)
    }
    poll()
  })
}

async function keystrokeEcho(sandboxId: string): Promise<void> {
  const client = await openTerminal(sandboxId, 'bench-keys')
  const samples: number[] = []
  for (let i = 0; i < KEYSTROKES; i++) {
    const key = String.fromCharCode(97 + (i % 26))
    const before = client.received()
    const sentAt = performance.now()
    client.type(key)
    await waitUntil(() => client.textSince(before).includes(key), `keystroke ${i} to come back`, 5_000)
    samples.push(client.lastOutputAt() - sentAt)
    // Let the line go quiet so a late redraw is not taken for the next echo; Ctrl-U keeps it short.
    if (i % 60 === 59) client.type('\x15')
    await waitUntil(() => performance.now() - client.lastOutputAt() > 3, 'output to go quiet', 5_000)
  }
  client.type('\x15')
  header(
    `Keystroke echo through the terminal WebSocket (${KEYSTROKES} keys, loopback, tmux in the workstation)`,
  )
  line(
    'p50 / p99 / max',
    `${fmt(percentile(samples, 50))} / ${fmt(percentile(samples, 99))} / ${fmt(Math.max(...samples))} ms`,
  )
}

async function flood(sandboxId: string): Promise<void> {
  const client = await openTerminal(sandboxId, 'bench-flood')
  const mark = client.received()
  const started = performance.now()
  client.type('yes\r')
  await waitUntil(
    () => client.received() - mark >= FLOOD_TARGET_BYTES || performance.now() - started > FLOOD_LIMIT_MS,
    'the flood',
    FLOOD_LIMIT_MS + 5_000,
  ).catch(() => undefined)
  const bytes = client.received() - mark
  const seconds = (performance.now() - started) / 1000
  const ctrlCAt = performance.now()
  client.type('\x03')
  client.type('echo "stopped-$((40+2))"\r')
  await client.waitForText('stopped-42', 15_000)
  const ctrlCMs = performance.now() - ctrlCAt
  header(
    `Flood: \`yes\` through the terminal (target 50 MB or ${FLOOD_LIMIT_MS / 1000} s, client acks like xterm.js)`,
  )
  line(
    'received',
    `${fmt(bytes / 1024 ** 2)} MiB in ${fmt(seconds)} s = ${fmt(bytes / 1024 ** 2 / seconds, 2)} MiB/s`,
  )
  if (bytes < FLOOD_TARGET_BYTES)
    line('note', 'tmux sends screen redraws, not every line: the time bound ended the flood')
  line('Ctrl-C, then next command echoed', `${fmt(ctrlCMs, 0)} ms`)
}

async function checkLatency(sandboxId: string): Promise<void> {
  header(`Check latency (REST → script in the grader → result), ${CHECK_RUNS} runs each`)
  for (const step of ['trivial', 'lb-answers']) {
    const samples: number[] = []
    for (let i = 0; i < CHECK_RUNS; i++) {
      const started = performance.now()
      const res = await api<{ result: { passed: boolean; output: string } }>(
        'POST',
        `/v1/sandboxes/${sandboxId}/steps/${step}/check`,
      )
      samples.push(performance.now() - started)
      if (!res.json.result.passed) throw new Error(`check ${step} failed: ${res.json.result.output}`)
    }
    line(
      `${step}: median (min–max)`,
      `${fmt(median(samples), 0)} ms (${fmt(Math.min(...samples), 0)}–${fmt(Math.max(...samples), 0)})`,
    )
  }
}

async function idleMemory(ids: string[]): Promise<void> {
  await sleep(SETTLE_MS)
  const totals = await Promise.all(ids.map(async (id) => (await sandboxMemory(id)).totalBytes))
  const perSandbox = median(totals)
  const lab = registry.lab(HA_STACK_SLUG)
  header(`Memory per idle sandbox (${ids.length} sandbox(es), ${SETTLE_MS / 1000} s after ready)`)
  line('median per sandbox', `${fmt(mib(perSandbox))} MiB (${totals.map((t) => fmt(mib(t), 0)).join(', ')})`)
  line('sandboxes in 20 GB at that idle use', `${Math.floor(BUDGET_BYTES / perSandbox)}`)
  if (lab) {
    const limits = await Promise.all(
      Object.values(registry.getSandbox(ids[0] ?? '')?.hosts ?? {}).map(
        async (h) => (await docker.getContainer(h.containerId).inspect()).HostConfig.Memory ?? 0,
      ),
    )
    const ceiling = limits.reduce((sum, bytes) => sum + bytes, 0)
    line(
      'sum of memory limits (worst case)',
      `${fmt(mib(ceiling), 0)} MiB → ${Math.floor(BUDGET_BYTES / ceiling)} sandboxes in 20 GB`,
    )
  }
}

await boundedRun({
  name: 'bench:runner',
  limitMs: 20 * 60_000,
  body: async () => {
    console.log(`machine at start: ${await describeMachine(instance)}`)
    await requireStackImages()
    await registry.start()
    await new Promise<void>((resolve) => runner.server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(runner.server.address() as AddressInfo).port}`

    header(`Sandbox ready, full HA stack, one at a time (${runs} runs)`)
    const single: number[] = []
    let kept = ''
    for (let i = 1; i <= runs; i++) {
      const { id, seconds } = await timeSandboxReady(`bench-single-${i}`)
      single.push(seconds)
      line(`run ${i}`, `${fmt(seconds)} s`)
      if (i === runs) kept = id
      else await deleteSandbox(id)
    }
    line('median / p95', `${fmt(median(single))} / ${fmt(percentile(single, 95))} s`)

    await keystrokeEcho(kept)
    await flood(kept)
    await checkLatency(kept)
    await Promise.all(clients.splice(0).map((c) => c.close()))
    await idleMemory([kept])
    await deleteSandbox(kept)

    header(
      `Sandbox ready, ${parallel} full HA stacks requested at once, at most ${starting} starting together`,
    )
    const started = performance.now()
    const results = await Promise.all(
      Array.from({ length: parallel }, (_, i) => timeSandboxReady(`bench-parallel-${i + 1}`)),
    )
    const wall = (performance.now() - started) / 1000
    const seconds = results.map((r) => r.seconds)
    line('each', seconds.map((s) => `${fmt(s)} s`).join(', '))
    line(
      'median / p95 / all ready',
      `${fmt(median(seconds))} / ${fmt(percentile(seconds, 95))} / ${fmt(wall)} s`,
    )
    await idleMemory(results.map((r) => r.id))
    await Promise.all(results.map((r) => deleteSandbox(r.id)))
  },
  cleanup: async () => {
    console.log(`\nmachine at end: ${await describeMachine(instance)}`)
    await Promise.all(clients.map((c) => c.close()))
    if (runner.server.listening) await runner.close()
    await registry.stop()
    await removeRunnerResources(docker, instance)
  },
})

// RUNNER_ENGINE=swarm for real: a three-node Swarm of Docker-in-Docker nodes on this machine
// (tests/support/swarm-cluster.ts), the lab images pushed to its registry the way
// `npm run images -- --push` does, and the course's Lab 1 started through the runner's own REST
// API. A learner's terminal, a check (failing, then passing after the step's solve) and a file
// edit must work wherever Swarm put the services; two learners' sandboxes must not reach each
// other across nodes; a lost worker must be told to the learner, and a new Start must succeed on
// what is left, never on a drained node.
import { randomBytes } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import Docker from 'dockerode'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadLabDefinitions } from '../../../../contracts/load-lab-definitions'
import { ensureImages } from '../../../../scripts/images/build-images'
import { pushImages } from '../../../../scripts/images/push-images'
import { startSwarmCluster, type SwarmCluster } from '../../../../tests/support/swarm-cluster'
import { createRunnerServer, type RunnerServer } from '../../http/runner-server'
import { runnerLabOptions } from '../../labs/read-lab-topology'
import { queryRange } from '../../dashboard/prometheus-range'
import { runScript } from '../../exec/run-script'
import { createHookRunner } from '../../sandboxes/lab-hooks'
import { SandboxRegistry, type Logger } from '../../sandboxes/sandbox-registry'
import { connectTerminal, expectConnected } from '../../terminal/test-support/terminal-client'
import { TEST_ORIGIN } from '../../terminal/test-support/terminal-client'
import { createTicketStore } from '../../terminal/tickets'
import { dockerFromUrl } from './node-engines'
import { swarmEngine } from './swarm-engine'

const LABS_DIR = path.resolve(import.meta.dirname, '../../../../labs')
const LAB = 'ha-setup'
const token = randomBytes(32).toString('hex')
const lines: string[] = []
// SWARM_TEST_VERBOSE=1 prints the runner's log as it goes; a failure shows its last lines anyway.
const keep = (level: string) => (message: string, fields?: Record<string, unknown>) => {
  const text = `${new Date().toISOString()} ${level} ${message} ${JSON.stringify(fields ?? {})}`
  lines.push(text)
  if (process.env.SWARM_TEST_VERBOSE) process.stderr.write(`${text}\n`)
}
const log: Logger = { info: keep('info'), warn: keep('warn'), error: keep('error') }

let cluster: SwarmCluster
let engine: ReturnType<typeof swarmEngine>
let registry: SandboxRegistry
let server: RunnerServer
let base = ''

/** The fields of the runner's JSON answers these tests read. */
interface SandboxAnswer {
  id: string
  state: string
  error?: string
  errorCode?: string
  services?: Array<{ host: string; state: string; health: string }>
}
interface Answer {
  url?: string
  ticket?: string
  content?: string
  sandbox?: SandboxAnswer
  result?: { passed: boolean; output: string }
}

async function api(method: string, url: string, body?: unknown): Promise<{ status: number; json: Answer }> {
  const response = await fetch(base + url, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: response.status, json: (await response.json()) as Answer }
}

async function waitForState(id: string, state: string, timeoutMs: number): Promise<SandboxAnswer> {
  const until = Date.now() + timeoutMs
  let last: SandboxAnswer | undefined
  while (Date.now() < until) {
    const current = (await api('GET', `/v1/sandboxes/${id}`)).json.sandbox
    if (!current) throw new Error(`no sandbox ${id}`)
    last = current
    if (current.state === state) return current
    if (current.state === 'failed' && state !== 'failed')
      throw new Error(`sandbox failed: ${current.error}\n${lines.slice(-20).join('\n')}`)
    await new Promise((resolve) => setTimeout(resolve, 1_000))
  }
  throw new Error(`sandbox ${id} not ${state} after ${timeoutMs} ms: ${JSON.stringify(last)}`)
}

async function start(userId: string): Promise<string> {
  const created = await api('POST', '/v1/sandboxes', { userId, labSlug: LAB })
  expect([200, 201, 202]).toContain(created.status)
  const id = String(created.json.sandbox?.id)
  await waitForState(id, 'ready', 900_000)
  return id
}

/** The node (hostname) of each host of a sandbox, from the runner's own routing. */
async function placement(id: string): Promise<Map<string, string>> {
  const nodes = await engine.nodes.refresh()
  const sandbox = registry.getSandbox(id)
  if (!sandbox) throw new Error(`sandbox ${id} is not ready`)
  return new Map(
    Object.entries(sandbox.hosts).map(([host, address]) => [
      host,
      nodes.find((n) => n.id === engine.nodes.nodeOf(address.containerId))?.hostname ?? '?',
    ]),
  )
}

beforeAll(async () => {
  const built = await ensureImages({ labels: { 'academy.test': '1' } })
  if (!built.ok) throw new Error(`lab images: ${built.message}`)
  cluster = await startSwarmCluster({ prefix: 'runner' })
  const pushed = await pushImages(built.images, cluster.registry)
  if (!pushed.ok) throw new Error(pushed.message)
  engine = swarmEngine({
    manager: dockerFromUrl(cluster.manager.engineUrl),
    builder: new Docker(),
    registry: cluster.registry,
    nodes: { port: 2375, overrides: {} },
    constraints: ['node.labels.academy.sandboxes==true'],
  })
  let envOf: (id: string) => Record<string, string> | undefined = () => undefined
  registry = new SandboxRegistry({
    engine,
    catalog: loadLabDefinitions(LABS_DIR, runnerLabOptions),
    labsDir: LABS_DIR,
    maxSandboxes: 3,
    instance: `swarm-test-${randomBytes(4).toString('hex')}`,
    extraLabels: { 'academy.test': '1' },
    provisionTimeoutMs: 900_000,
    machineWatchIntervalMs: 2_000,
    runHook: createHookRunner(engine.containers, (id) => envOf(id)),
    log,
  })
  envOf = (id) => registry.scriptEnv(id)
  await registry.start()
  server = createRunnerServer({
    registry,
    tickets: createTicketStore(),
    serviceToken: token,
    publicOrigins: [TEST_ORIGIN],
    log,
    labErrors: 0,
  })
  await new Promise<void>((resolve) => server.server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`
}, 1_500_000)

afterAll(async () => {
  if (registry) {
    for (const sandbox of registry.list()) await registry.delete(sandbox.id).catch(() => {})
    await registry.stop()
  }
  await server?.close()
  await cluster?.remove()
}, 300_000)

describe('the runner on a three-node Swarm', () => {
  let first = ''

  it('runs Lab 1 across nodes: terminal, check and solve, file edit, service tab, dashboard query, isolation', async () => {
    first = await start('swarm-learner')
    const where = await placement(first)
    expect(new Set(where.values()).size, JSON.stringify([...where])).toBeGreaterThanOrEqual(2)
    expect([...where.values()]).not.toContain('?')
    // Services sharing the HelixAgent config volume share a node.
    expect(where.get('helixagent-1')).toBe(where.get('workstation'))

    const minted = await api('POST', `/v1/sandboxes/${first}/tickets`, {
      userId: 'swarm-learner',
      host: 'workstation',
      mode: 'rw',
      tab: 'swarm',
    })
    expect(minted.status).toBe(201)
    const terminal = expectConnected(await connectTerminal(base, { ticket: String(minted.json.ticket) }))
    await terminal.waitForMessage('hello')
    terminal.type('echo "on $(hostname): $((6 * 7))"\r')
    await terminal.waitForText('on workstation: 42', 20_000)
    await terminal.close()

    const before = await api('POST', `/v1/sandboxes/${first}/steps/replica/check`)
    expect(before.json.result?.passed, before.json.result?.output).toBe(false)
    const solved = await api('POST', `/v1/sandboxes/${first}/steps/replica/solve`)
    expect(solved.json.result?.passed, solved.json.result?.output).toBe(true)
    const after = await api('POST', `/v1/sandboxes/${first}/steps/replica/check`)
    expect(after.json.result?.passed, after.json.result?.output).toBe(true)

    const file = `/v1/sandboxes/${first}/files?host=lb&path=${encodeURIComponent('/etc/haproxy/haproxy.cfg')}`
    const read = await api('GET', file)
    expect(read.status).toBe(200)
    const edited = `${String(read.json.content)}\n# edited through the runner on a Swarm node\n`
    expect((await api('PUT', file, { content: edited })).status).toBe(200)
    expect((await api('GET', file)).json.content).toContain('# edited through the runner on a Swarm node')

    // The isolation of one engine holds: no route from a sandbox to the nodes' own services
    // (their Engine APIs) or to the registry; service names still resolve inside the sandbox.
    const ipOf = (url: string) => new URL(url).hostname
    const targets = [...cluster.nodes.map((n) => `${ipOf(n.engineUrl)}:2375`)]
    const probe = await runScript({
      docker: engine.containers,
      sandbox: registry.getSandbox(first) ?? { id: first, hosts: {} },
      host: 'workstation',
      script: [
        `for target in ${targets.join(' ')}; do`,
        '  if timeout 3 bash -c "exec 3<>/dev/tcp/${target%:*}/${target#*:}" 2>/dev/null; then echo "REACHED $target"; else echo "blocked $target"; fi',
        'done',
        'getent hosts pg-primary >/dev/null && echo "resolves pg-primary"',
      ].join('\n'),
      timeoutS: 30,
    })
    expect(probe.output).not.toContain('REACHED')
    expect(probe.output.match(/blocked/g)?.length).toBe(targets.length)
    expect(probe.output).toContain('resolves pg-primary')

    // A service tab (HAProxy's stats) and a dashboard query (Prometheus) reach services on the
    // overlay network, which the runner's machine is not on: through the nodes' Engine APIs.
    const tab = await api('POST', `/v1/sandboxes/${first}/proxy-tickets`, {
      userId: 'swarm-learner',
      host: 'lb',
      port: 8404,
    })
    expect(tab.status).toBe(201)
    const opened = await fetch(`${base}${String(tab.json.url)}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { origin: TEST_ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ticket: String(tab.json.ticket), path: 'stats' }).toString(),
    })
    expect(opened.status).toBe(303)
    const cookie = (opened.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
    const stats = await fetch(`${base}${opened.headers.get('location') ?? ''}`, { headers: { cookie } })
    const statsPage = await stats.text()
    expect(stats.status, statsPage.slice(0, 300)).toBe(200)
    expect(statsPage).toContain('Statistics Report')
    const prometheus = registry.getSandbox(first)?.hosts['prometheus']
    if (!prometheus) throw new Error('no prometheus host')
    const now = Math.floor(Date.now() / 1000)
    const up = await queryRange({
      ip: prometheus.ip,
      port: 9090,
      via: engine.reach(prometheus, 9090),
      name: 'prometheus:9090',
      query: 'up',
      start: now - 60,
      end: now,
      stepS: 15,
      timeoutMs: 20_000,
    })
    expect(up.status, JSON.stringify(up)).toBe('ok')

    // A killed service comes back as a new Swarm task (a new container) on the same node; the
    // runner follows it, so checks and terminals reach the new one.
    const killedId = registry.getSandbox(first)?.hosts['helixagent-2']?.containerId
    expect(
      (await api('POST', `/v1/sandboxes/${first}/faults`, { action: 'kill', host: 'helixagent-2' })).status,
    ).toBe(200)
    const until = Date.now() + 90_000
    let followed = killedId
    while (followed === killedId && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 1_000))
      followed = registry.getSandbox(first)?.hosts['helixagent-2']?.containerId
    }
    expect(followed).not.toBe(killedId)
    expect((await placement(first)).get('helixagent-2')).toBe(where.get('helixagent-2'))
    const state = await engine.containers.getContainer(followed ?? '').inspect()
    expect(state.State.Running).toBe(true)

    // A service whose healthcheck fails stays, for the learner to see and fix, as on one engine:
    // Swarm would replace an unhealthy task (a fresh pg-primary would start PostgreSQL again).
    // Lab 1's pg-primary keeps its container when PostgreSQL stops (step "pg-promote").
    const primaryId = registry.getSandbox(first)?.hosts['pg-primary']?.containerId
    const stopped = await runScript({
      docker: engine.containers,
      sandbox: registry.getSandbox(first) ?? { id: first, hosts: {} },
      host: 'pg-primary',
      user: 'postgres',
      script: 'pg_ctl -D "$PGDATA" stop -m fast',
      timeoutS: 30,
    })
    expect(stopped.exitCode, stopped.output).toBe(0)
    // pg-primary's healthcheck: every 2 s, 30 retries.
    const unhealthyBy = Date.now() + 120_000
    let primary: { health?: string } | undefined
    while (primary?.health !== 'unhealthy' && Date.now() < unhealthyBy) {
      await new Promise((resolve) => setTimeout(resolve, 2_000))
      primary = (await waitForState(first, 'ready', 10_000)).services?.find((s) => s.host === 'pg-primary')
    }
    expect(primary).toMatchObject({ state: 'running', health: 'unhealthy' })
    await new Promise((resolve) => setTimeout(resolve, 10_000))
    expect(registry.getSandbox(first)?.hosts['pg-primary']?.containerId).toBe(primaryId)
    expect((await engine.containers.getContainer(primaryId ?? '').inspect()).State.Running).toBe(true)
  }, 1_200_000)

  it("keeps two learners' sandboxes apart, wherever Swarm put their services", async () => {
    const other = await start('swarm-other-learner')
    try {
      const theirs = registry.getSandbox(other)
      const mine = registry.getSandbox(first)
      if (!theirs || !mine) throw new Error('both sandboxes must be ready')
      // Services that listen, in the other sandbox (by address: its names are not in this one's
      // DNS), and the same services in the learner's own sandbox, which must answer, so a probe
      // that reaches nothing proves isolation rather than a broken probe.
      // (pg-replica, not pg-primary: the first test left the primary's PostgreSQL stopped.)
      const ports: Record<string, number> = {
        'pg-replica': 5432,
        'helixagent-1': 8080,
        lb: 8080,
        'redis-1': 6379,
      }
      const targets = (sandbox: typeof mine) =>
        Object.entries(ports).map(([host, port]) => `${sandbox.hosts[host]?.ip}:${port}`)
      expect(targets(theirs).join(' ')).not.toContain('undefined')
      const probe = (sandbox: typeof mine, addresses: string[]) =>
        runScript({
          docker: engine.containers,
          sandbox,
          host: 'workstation',
          script: [
            `for target in ${addresses.join(' ')}; do`,
            '  if timeout 3 bash -c "exec 3<>/dev/tcp/${target%:*}/${target#*:}" 2>/dev/null; then echo "REACHED $target"; else echo "blocked $target"; fi',
            'done',
          ].join('\n'),
          timeoutS: 60,
        })
      const own = await probe(mine, targets(mine))
      expect(own.output.match(/REACHED/g)?.length, own.output).toBe(targets(mine).length)
      for (const [from, to] of [
        [mine, theirs],
        [theirs, mine],
      ] as const) {
        const across = await probe(from, targets(to))
        expect(across.output).not.toContain('REACHED')
        expect(across.output.match(/blocked/g)?.length, across.output).toBe(targets(to).length)
      }
      const nodesOf = async (id: string) => new Set((await placement(id)).values())
      const spread = new Set([...(await nodesOf(first)), ...(await nodesOf(other))])
      expect(spread.size).toBeGreaterThanOrEqual(2)
    } finally {
      await registry.delete(other)
    }
  }, 1_200_000)

  it('tells the learner when a worker running their lab is lost, and starts again elsewhere, not on a drained node', async () => {
    const where = await placement(first)
    const worker = cluster.nodes.find((n) => n.role === 'worker' && [...where.values()].includes(n.name))
    if (!worker) throw new Error(`no worker holds a service of ${first}: ${JSON.stringify([...where])}`)
    await cluster.killNode(worker.name)
    const lost = await waitForState(first, 'failed', 120_000)
    expect(lost.errorCode).toBe('machine-lost')
    expect(lost.error).toContain(worker.name)

    // The other worker is drained for maintenance: the new sandbox must avoid it too.
    const drained = cluster.nodes.find((n) => n.role === 'worker' && n.name !== worker.name)
    if (!drained) throw new Error('no second worker')
    const node = engine.control.getNode(drained.nodeId)
    const info = (await node.inspect()) as { Version: { Index: number }; Spec: Record<string, unknown> }
    await node.update({ version: info.Version.Index, ...info.Spec, Availability: 'drain' })

    const second = await start('swarm-learner')
    expect(second).not.toBe(first)
    const placed = new Set((await placement(second)).values())
    expect(placed.has(worker.name)).toBe(false)
    expect(placed.has(drained.name)).toBe(false)
    expect([...placed]).toEqual([cluster.manager.name])
  }, 1_200_000)
})

// Real-engine tests of the sandbox lifecycle with the three-service sample lab.
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { connect, createServer, type AddressInfo } from 'node:net'
import path from 'node:path'
import Docker from 'dockerode'
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest'
import { loadLabDefinitions } from '../../../contracts/load-lab-definitions'
import { runnerLabOptions } from '../labs/read-lab-topology'
import { bridgeName, networkName } from '../topology/docker-driver'
import { ensureTestShellImage } from '../../test-fixtures/test-images'
import { LABEL } from './labels'
import { SandboxRegistry, type Logger, type SandboxSummary } from './sandbox-registry'
import { dockerEngine } from '../engine/docker-engine'
import type { SandboxEngine } from '../engine/sandbox-engine'

const labsDir = path.resolve(import.meta.dirname, '../../test-fixtures/labs')
const docker = new Docker()
const instance = `test-${randomBytes(4).toString('hex')}`
const quiet: Logger = { info: () => {}, warn: () => {}, error: () => {} }
let clockOffsetMs = 0
const now = () => Date.now() + clockOffsetMs
const provisionSeconds: number[] = []

function newRegistry(maxSandboxes: number, maxConcurrentProvisioning?: number): SandboxRegistry {
  return new SandboxRegistry({
    engine: dockerEngine(docker),
    catalog: loadLabDefinitions(labsDir, runnerLabOptions),
    labsDir,
    maxSandboxes,
    maxConcurrentProvisioning,
    instance,
    extraLabels: { 'academy.test': '1' },
    reapIntervalMs: 3_600_000,
    log: quiet,
    now,
    onProvisioned: (s) => provisionSeconds.push(s),
  })
}

function exec(containerId: string, script: string): { code: number | null; out: string } {
  const result = spawnSync('docker', ['exec', containerId, 'bash', '-c', script], {
    encoding: 'utf8',
    timeout: 15_000,
  })
  return { code: result.status, out: result.stdout + result.stderr }
}

async function createReady(registry: SandboxRegistry, userId: string): Promise<SandboxSummary> {
  const outcome = await registry.create({ userId, labSlug: 'sample' })
  if (outcome.status !== 'provisioning' && outcome.status !== 'ready')
    throw new Error(JSON.stringify(outcome))
  const settled = await registry.whenSettled(outcome.sandbox.id)
  if (settled?.state !== 'ready') throw new Error(`not ready: ${JSON.stringify(settled)}`)
  return settled
}

async function removeEverythingOfThisRun(): Promise<void> {
  const filters = { label: [`${LABEL.runner}=${instance}`] }
  for (const c of await docker.listContainers({ all: true, filters }))
    await docker.getContainer(c.Id).remove({ force: true })
  for (const v of (await docker.listVolumes({ filters })).Volumes ?? [])
    await docker.getVolume(v.Name).remove()
  for (const n of await docker.listNetworks({ filters })) await docker.getNetwork(n.Id).remove()
}

let registry: SandboxRegistry
let first: SandboxSummary
const readyEvents: Array<{ id: string; shellHosts: readonly string[]; workstation?: string }> = []

beforeAll(async () => {
  ensureTestShellImage()
  registry = newRegistry(2)
  registry.onReady((sandbox, shellHosts) =>
    readyEvents.push({ id: sandbox.id, shellHosts, workstation: sandbox.hosts['workstation']?.containerId }),
  )
  await registry.start()
  first = await createReady(registry, 'user-a')
}, 300_000)

afterAll(async () => {
  await registry.stop()
  await removeEverythingOfThisRun()
  console.log(
    `provisioning times (s) for the sample sandbox: ${provisionSeconds.map((s) => s.toFixed(2)).join(', ')}`,
  )
})

describe('SandboxRegistry on the real engine', () => {
  it('provisions a labelled, internal, limited sandbox in dependency order', async () => {
    const network = await docker.getNetwork(networkName(first.id)).inspect()
    expect(network.Internal).toBe(true)
    expect(network.Labels).toMatchObject({
      [LABEL.sandbox]: first.id,
      [LABEL.owner]: 'user-a',
      [LABEL.lab]: 'sample',
      [LABEL.runner]: instance,
      'academy.test': '1',
    })
    const ref = registry.getSandbox(first.id)
    expect(Object.keys(ref?.hosts ?? {}).sort()).toEqual(['db', 'seed', 'workstation'])

    const inspect = (host: string) => docker.getContainer(ref?.hosts[host]?.containerId ?? '').inspect()
    const [db, seed, workstation] = await Promise.all([
      inspect('db'),
      inspect('seed'),
      inspect('workstation'),
    ])
    expect(workstation.Config.Labels).toMatchObject({
      [LABEL.host]: 'workstation',
      [LABEL.sandbox]: first.id,
      [LABEL.expiresAt]: first.expiresAt,
    })
    expect(workstation.HostConfig).toMatchObject({
      Memory: 96 * 1024 ** 2,
      NanoCpus: 0.25e9,
      PidsLimit: 64,
      CapDrop: ['ALL'],
      CapAdd: ['CHOWN'],
      SecurityOpt: ['no-new-privileges'],
    })
    expect(seed.HostConfig).toMatchObject({ Memory: 256 * 1024 ** 2, PidsLimit: 256, NanoCpus: 1e9 })
    expect(Object.keys(workstation.HostConfig.PortBindings ?? {})).toEqual([])
    expect(workstation.NetworkSettings.Networks[networkName(first.id)]?.Aliases).toContain('workstation')

    // The workstation waited for db to be healthy (about 1 s after start) and for seed to finish.
    const healthyAt = Date.parse(db.State.Health?.Log?.find((l) => l.ExitCode === 0)?.End ?? '')
    expect(Date.parse(workstation.State.StartedAt)).toBeGreaterThanOrEqual(healthyAt - 5)
    expect(Date.parse(workstation.State.StartedAt)).toBeGreaterThanOrEqual(Date.parse(seed.State.FinishedAt))
    expect(seed.State).toMatchObject({ Status: 'exited', ExitCode: 0 })
    // The one-shot seed wrote into the shared named volume with this sandbox's seed.
    expect(exec(workstation.Id, 'cat /data/seed.txt').out.trim()).toMatch(/^seed=\d+$/)
    expect(exec(workstation.Id, 'getent hosts db').code).toBe(0)
  })

  it('tells its ready listeners (the terminal server) where the new sandbox opens terminals', () => {
    expect(readyEvents).toContainEqual({
      id: first.id,
      shellHosts: ['workstation'],
      workstation: registry.getSandbox(first.id)?.hosts['workstation']?.containerId,
    })
  })

  it('reports per-service health and time left', async () => {
    const status = await registry.status(first.id)
    expect(status?.state).toBe('ready')
    expect(status?.services).toEqual([
      { host: 'db', state: 'running', health: 'healthy' },
      { host: 'seed', state: 'exited', health: 'none', exitCode: 0 },
      { host: 'workstation', state: 'running', health: 'none' },
    ])
    expect(status?.secondsLeft).toBeGreaterThan(9 * 60)
    expect(status?.secondsLeft).toBeLessThanOrEqual(10 * 60)
  })

  it('returns the existing sandbox for a second create by the same user and lab', async () => {
    const again = await registry.create({ userId: 'user-a', labSlug: 'sample' })
    expect(again).toMatchObject({ status: 'ready', sandbox: { id: first.id } })
    expect(registry.list('user-a').map((s) => s.id)).toEqual([first.id])
  })

  it('isolates sandboxes from each other and from the outside', async () => {
    const second = await createReady(registry, 'user-b')
    onTestFinished(async () => {
      await registry.delete(second.id)
    })
    const a = registry.getSandbox(first.id)
    const b = registry.getSandbox(second.id)
    const aWorkstation = a?.hosts['workstation']?.containerId ?? ''
    // Port 9 has no listener: "refused" proves reachability, a timeout proves the packet was dropped.
    const probe = (ip: string) => exec(aWorkstation, `timeout 2 bash -c '</dev/tcp/${ip}/9'; echo rc=$?`).out
    const own = probe(a?.hosts['db']?.ip ?? '')
    expect(own).toContain('Connection refused')
    expect(own).toContain('rc=1')
    const other = probe(b?.hosts['db']?.ip ?? '')
    expect(other).toContain('rc=124')
    expect(other).not.toContain('Connection refused')
    // Docker gives internal networks a default route to the bridge, but drops anything
    // forwarded off the subnet: check that rule instead of contacting an outside address.
    const network = await docker.getNetwork(networkName(first.id)).inspect()
    expect(network.Internal).toBe(true)
    const subnet = network.IPAM?.Config?.[0]?.Subnet ?? ''
    const bridge = bridgeName(first.id)
    const rules = spawnSync('iptables', ['-S', 'DOCKER-ISOLATION-STAGE-1'], { encoding: 'utf8' }).stdout
    expect(rules).toContain(`-A DOCKER-ISOLATION-STAGE-1 ! -d ${subnet} -i ${bridge} -j DROP`)
    expect(rules).toContain(`-A DOCKER-ISOLATION-STAGE-1 ! -s ${subnet} -o ${bridge} -j DROP`)

    // The host itself: a listener of ours on all addresses is not reachable through the
    // sandbox's gateway, while the host can still reach the sandbox (replies pass).
    const listener = createServer((socket) => socket.end('hello\n'))
    await new Promise<void>((resolve) => listener.listen(0, '0.0.0.0', resolve))
    onTestFinished(() => void listener.close())
    const port = (listener.address() as AddressInfo).port
    const gateway = network.IPAM?.Config?.[0]?.Gateway ?? ''
    expect(exec(aWorkstation, `timeout 2 bash -c '</dev/tcp/${gateway}/${port}'; echo rc=$?`).out).toContain(
      'rc=124',
    )
    const fromHost = await new Promise<string>((resolve) => {
      const socket = connect({ host: a?.hosts['db']?.ip ?? '', port: 9, timeout: 2000 })
      socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'))
      socket.on('timeout', () => {
        socket.destroy()
        resolve('timeout')
      })
    })
    expect(fromHost).toBe('ECONNREFUSED')
  })

  it('queues a request beyond capacity with its position, and provisions it when a slot frees', async () => {
    const small = newRegistry(1)
    // `small` shares the engine but knows only its own sandboxes.
    // Two concurrent requests for one user and lab share one sandbox.
    const [one, two] = await Promise.all([
      small.create({ userId: 'user-c', labSlug: 'sample' }),
      small.create({ userId: 'user-c', labSlug: 'sample' }),
    ])
    expect(
      one.status === 'provisioning' && two.status === 'provisioning' && one.sandbox.id === two.sandbox.id,
    ).toBe(true)
    expect(small.counts()).toEqual({ active: 1, queued: 0 })
    const held = await createReady(small, 'user-c')
    const queued = await small.create({ userId: 'user-d', labSlug: 'sample' })
    expect(queued).toMatchObject({ status: 'queued', position: 1 })
    expect(queued.status === 'queued' && queued.estimatedWaitS).toBeGreaterThan(9 * 60)
    expect(await small.create({ userId: 'user-e', labSlug: 'sample' })).toMatchObject({
      status: 'queued',
      position: 2,
    })
    expect(small.counts()).toEqual({ active: 1, queued: 2 })

    await small.delete(held.id)
    const promoted = small.list('user-d')[0]
    expect(promoted?.state).toBe('provisioning')
    expect((await small.whenSettled(promoted?.id ?? ''))?.state).toBe('ready')
    expect(await small.create({ userId: 'user-e', labSlug: 'sample' })).toMatchObject({
      status: 'queued',
      position: 1,
    })
    await small.delete(promoted?.id ?? '')
    const last = small.list('user-e')[0]
    await small.whenSettled(last?.id ?? '')
    await small.delete(last?.id ?? '')
    expect(small.counts()).toEqual({ active: 0, queued: 0 })
  }, 60_000)

  it('starts at most the configured number of sandboxes at once; the others wait for a slot and say so', async () => {
    const narrow = newRegistry(3, 1)
    const outcomes = await Promise.all([
      narrow.create({ userId: 'user-f', labSlug: 'sample' }),
      narrow.create({ userId: 'user-g', labSlug: 'sample' }),
    ])
    const ids = outcomes.map((o) => (o.status === 'provisioning' ? o.sandbox.id : ''))
    expect(ids.every((id) => id !== '')).toBe(true)
    const phases = await Promise.all(ids.map(async (id) => (await narrow.status(id))?.provisioning?.phase))
    expect(phases.filter((p) => p === 'waiting-for-slot')).toHaveLength(1)
    const waiting = ids[phases.indexOf('waiting-for-slot')] ?? ''
    const startingFirst = ids[1 - phases.indexOf('waiting-for-slot')] ?? ''
    // Nothing of the waiting sandbox exists on the engine yet.
    expect((await narrow.status(waiting))?.services.every((s) => s.state === 'missing')).toBe(true)
    expect((await narrow.whenSettled(startingFirst))?.state).toBe('ready')
    expect((await narrow.whenSettled(waiting))?.state).toBe('ready')
    for (const id of ids) await narrow.delete(id)
    expect(narrow.counts()).toEqual({ active: 0, queued: 0 })
  }, 60_000)

  it('extends up to the lab limit', async () => {
    const before = Date.parse(first.expiresAt)
    const one = await registry.extend(first.id)
    expect(one.ok && Date.parse(one.sandbox.expiresAt) - before).toBe(15 * 60_000)
    expect((await registry.extend(first.id)).ok).toBe(true)
    expect(await registry.extend(first.id)).toMatchObject({ ok: false, code: 'extension-limit' })
  })

  it('resets to fresh containers with the same id and secrets', async () => {
    const before = registry.getSandbox(first.id)
    const workstation = before?.hosts['workstation']?.containerId ?? ''
    const token = exec(workstation, 'echo $HELIXAGENT_CONTROL_TOKEN').out.trim()
    expect(token.length).toBeGreaterThan(10)
    exec(workstation, 'echo changed > /data/seed.txt')

    expect((await registry.reset(first.id)).ok).toBe(true)
    // While it provisions, the learner sees each service come up (workstation waits for db).
    const seen: Awaited<ReturnType<SandboxRegistry['status']>>[] = []
    let settled = false
    const done = registry.whenSettled(first.id).finally(() => (settled = true))
    while (!settled) {
      seen.push(await registry.status(first.id))
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    expect((await done)?.state).toBe('ready')
    const during = seen.filter((s) => s?.state === 'provisioning')
    expect(during.length).toBeGreaterThan(0)
    expect(
      during.every((s) => s?.provisioning?.phase === 'starting-services' && s.provisioning.elapsedS >= 0),
    ).toBe(true)
    expect(during.every((s) => s?.services.map((x) => x.host).join() === 'db,seed,workstation')).toBe(true)
    const dbUpWorkstationWaiting = during.some((s) => {
      const db = s?.services.find((x) => x.host === 'db')
      const ws = s?.services.find((x) => x.host === 'workstation')
      return db?.state === 'running' && (ws?.state === 'created' || ws?.state === 'missing')
    })
    expect(dbUpWorkstationWaiting).toBe(true)
    expect((await registry.status(first.id))?.provisioning).toBeUndefined()
    const after = registry.getSandbox(first.id)
    const fresh = after?.hosts['workstation']?.containerId ?? ''
    expect(fresh).not.toBe(workstation)
    expect(exec(fresh, 'echo $HELIXAGENT_CONTROL_TOKEN').out.trim()).toBe(token)
    expect(exec(fresh, 'cat /data/seed.txt').out.trim()).toMatch(/^seed=\d+$/)
    expect(after?.expiresAt.getTime()).toBe(before?.expiresAt.getTime())
  }, 60_000)

  it('a new runner re-adopts live sandboxes (with their extensions) and removes orphans', async () => {
    const orphanId = 'sbx-orphan0000'
    await docker.createNetwork({
      Name: networkName(orphanId),
      Internal: true,
      Labels: {
        'academy.test': '1',
        [LABEL.managed]: '1',
        [LABEL.runner]: instance,
        [LABEL.sandbox]: orphanId,
      },
    })
    const hostsBefore = registry.getSandbox(first.id)?.hosts
    await registry.stop()

    registry = newRegistry(2)
    const { adopted, removed } = await registry.start()
    expect(adopted).toEqual([first.id])
    expect(removed).toEqual([orphanId])
    expect(await docker.listNetworks({ filters: { name: [networkName(orphanId)] } })).toEqual([])
    expect(registry.getSandbox(first.id)?.hosts).toEqual(hostsBefore)
    const status = await registry.status(first.id)
    expect(status).toMatchObject({ state: 'ready', ownerId: 'user-a', extensionsUsed: 2, extensionsLeft: 0 })
    expect(Date.parse(status?.expiresAt ?? '')).toBe(Date.parse(first.expiresAt) + 30 * 60_000)
  })

  it('the reaper deletes a sandbox once it has been idle too long', async () => {
    expect(await registry.reap()).toEqual([])
    clockOffsetMs = 11 * 60_000 // past the 10-minute idle timeout
    expect(await registry.reap()).toEqual([first.id])
    clockOffsetMs = 0
    expect(registry.getSandbox(first.id)).toBeUndefined()
    expect(
      await docker.listContainers({ all: true, filters: { label: [`${LABEL.sandbox}=${first.id}`] } }),
    ).toEqual([])
    expect(await docker.listNetworks({ filters: { label: [`${LABEL.sandbox}=${first.id}`] } })).toEqual([])
  })
})

// What the registry does with what an engine says about its machines, here with the one engine's
// real containers and a stand-in for the answers a Swarm would give (lost node, node count).
describe('machines the engine reports', () => {
  /** A started registry over the one engine with some of its answers replaced. */
  async function registryOver(engine: Partial<SandboxEngine>): Promise<SandboxRegistry> {
    const cluster = new SandboxRegistry({
      engine: { ...dockerEngine(docker), ...engine },
      catalog: loadLabDefinitions(labsDir, runnerLabOptions),
      labsDir,
      maxSandboxes: 2,
      instance,
      extraLabels: { 'academy.test': '1' },
      reapIntervalMs: 3_600_000,
      machineWatchIntervalMs: 3_600_000,
      log: quiet,
    })
    onTestFinished(() => cluster.stop())
    await cluster.start()
    return cluster
  }

  it('follows the engine’s machine count for capacity, and ends a sandbox whose machine is lost', async () => {
    let machines = 3
    let lostReason: string | undefined
    // Only this test's sandbox is on the lost machine (the suite's others may be adopted here too).
    let mine: string | undefined
    const cluster = await registryOver({
      machines: async () => machines,
      lostSandboxes: async (ids) =>
        ids
          .filter((id) => lostReason !== undefined && id === mine)
          .map((sandboxId) => ({ sandboxId, reason: lostReason ?? '' })),
    })
    expect(cluster.capacity().max).toBe(6)
    machines = 1
    const sandbox = await createReady(cluster, 'user-lost')
    mine = sandbox.id
    expect(await cluster.watchMachines()).toEqual([])
    expect(cluster.capacity().max).toBe(2)

    lostReason = 'the machine running it (worker-1) was lost'
    expect(await cluster.watchMachines()).toEqual([sandbox.id])
    expect(await cluster.status(sandbox.id)).toMatchObject({
      state: 'failed',
      errorCode: 'machine-lost',
      error: 'the machine running it (worker-1) was lost; your progress is kept: start the lab again',
    })
    expect(cluster.getSandbox(sandbox.id)).toBeUndefined()
    // Its remains are gone from the engine.
    expect(
      await docker.listContainers({ all: true, filters: { label: [`${LABEL.sandbox}=${sandbox.id}`] } }),
    ).toEqual([])
    // And the learner can start again.
    lostReason = undefined
    const again = await createReady(cluster, 'user-lost')
    expect(again.id).not.toBe(sandbox.id)
    await cluster.delete(again.id)
  }, 120_000)

  it('ends a sandbox whose machine is lost while it is still starting, at once and with the same message', async () => {
    let startSignal: AbortSignal | undefined
    let lostId: string | undefined
    const cluster = await registryOver({
      // A start that would wait for a service on the lost node until the deadline.
      startServices: (start) =>
        new Promise((_, reject) => {
          startSignal = start.signal
          start.signal?.addEventListener('abort', () => reject(start.signal?.reason))
        }),
      lostSandboxes: async (ids) =>
        ids
          .filter((id) => id === lostId)
          .map((sandboxId) => ({ sandboxId, reason: 'the machine running it (worker-2) was lost' })),
    })
    const outcome = await cluster.create({ userId: 'user-starting', labSlug: 'sample' })
    if (outcome.status !== 'provisioning') throw new Error(JSON.stringify(outcome))
    await vi.waitFor(() => expect(startSignal).toBeDefined())
    lostId = outcome.sandbox.id
    expect(await cluster.watchMachines()).toEqual([outcome.sandbox.id])
    expect(await cluster.whenSettled(outcome.sandbox.id)).toMatchObject({
      state: 'failed',
      errorCode: 'machine-lost',
      error: 'the machine running it (worker-2) was lost; your progress is kept: start the lab again',
    })
    // What the start had made (the sandbox's network) is gone.
    expect(
      await docker.listNetworks({ filters: { label: [`${LABEL.sandbox}=${outcome.sandbox.id}`] } }),
    ).toEqual([])
  }, 60_000)
})

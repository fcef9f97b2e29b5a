// Real-engine tests of warm pools with the three-service sample lab: exclusive claims,
// personalisation on claim, the cold fallback, recycling by age, and giving way to learners.
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import path from 'node:path'
import Docker from 'dockerode'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { loadLabDefinitions } from '../../../contracts/load-lab-definitions'
import { runnerLabOptions } from '../labs/read-lab-topology'
import { ensureTestShellImage } from '../../test-fixtures/test-images'
import { LABEL } from './labels'
import { createHookRunner } from './lab-hooks'
import { POOL_OWNER, SandboxRegistry, type CreateOutcome, type Logger } from './sandbox-registry'
import { WarmPools, type PoolHost } from './warm-pools'
import { dockerEngine } from '../engine/docker-engine'

const labsDir = path.resolve(import.meta.dirname, '../../test-fixtures/labs')
const docker = new Docker()
const instance = `test-pool-${randomBytes(4).toString('hex')}`
const quiet: Logger = { info: () => {}, warn: () => {}, error: () => {} }
let clockOffsetMs = 0
const now = () => Date.now() + clockOffsetMs
const catalog = loadLabDefinitions(labsDir, runnerLabOptions)

const live: Array<{ registry: SandboxRegistry; pools: WarmPools }> = []

async function setup(options: { maxSandboxes: number; maxAgeMs?: number }) {
  const registry: SandboxRegistry = new SandboxRegistry({
    engine: dockerEngine(docker),
    catalog,
    labsDir,
    maxSandboxes: options.maxSandboxes,
    instance,
    extraLabels: { 'academy.test': '1' },
    reapIntervalMs: 3_600_000,
    log: quiet,
    now,
    runHook: createHookRunner(docker, (id) => registry.scriptEnv(id)),
    onStart: (event) => pools.recordStart(event),
  })
  const pools = new WarmPools({
    registry,
    catalog,
    labsDir,
    defaultSizes: {},
    memoryBudgetBytes: 4096 * 1024 ** 2,
    maxSandboxes: options.maxSandboxes,
    maxAgeMs: options.maxAgeMs ?? 3_600_000,
    log: quiet,
    now,
  })
  await registry.start()
  live.push({ registry, pools })
  return { registry, pools }
}

/** Runs pool rounds until every pool has its target ready (the refill starts one per round). */
async function warmUntil(pools: WarmPools, registry: SandboxRegistry, ready: number): Promise<void> {
  for (let round = 0; round < 200; round++) {
    await pools.tick()
    await Promise.all(registry.pooled().map((p) => registry.whenSettled(p.id)))
    if (registry.pooled().filter((p) => p.state === 'ready').length >= ready) return
  }
  throw new Error(`pool never reached ${ready} ready sandboxes: ${JSON.stringify(pools.status())}`)
}

function exec(containerId: string, script: string): string {
  const result = spawnSync('docker', ['exec', containerId, 'bash', '-c', script], {
    encoding: 'utf8',
    timeout: 15_000,
  })
  return result.stdout + result.stderr
}

function workstationOf(registry: SandboxRegistry, id: string): string {
  const ref = registry.getSandbox(id)
  if (!ref) throw new Error(`sandbox ${id} is not ready`)
  return ref.hosts['workstation']?.containerId ?? ''
}

function started(outcome: CreateOutcome) {
  if (outcome.status !== 'ready' && outcome.status !== 'provisioning')
    throw new Error(JSON.stringify(outcome))
  return outcome
}

async function removeEverythingOfThisRun(): Promise<void> {
  const filters = { label: [`${LABEL.runner}=${instance}`] }
  for (const c of await docker.listContainers({ all: true, filters }))
    await docker.getContainer(c.Id).remove({ force: true })
  for (const v of (await docker.listVolumes({ filters })).Volumes ?? [])
    await docker.getVolume(v.Name).remove()
  for (const n of await docker.listNetworks({ filters })) await docker.getNetwork(n.Id).remove()
}

beforeAll(() => ensureTestShellImage(), 300_000)

afterEach(async () => {
  for (const { registry, pools } of live.splice(0)) {
    pools.stop()
    await registry.stop()
  }
  clockOffsetMs = 0
  await removeEverythingOfThisRun()
}, 120_000)

afterAll(removeEverythingOfThisRun, 120_000)

describe('warm pools', () => {
  it('hands one warm sandbox to exactly one of two learners starting at once, personalised for them', async () => {
    const { registry, pools } = await setup({ maxSandboxes: 4 })
    pools.configure({ labs: { sample: 1 } })
    await warmUntil(pools, registry, 1)
    const [warm] = registry.pooled()
    if (!warm) throw new Error('no warm sandbox')
    // Before the claim: no learner's setup ran, and the seed job wrote a seed tied to nobody.
    const poolWorkstation = workstationOf(registry, warm.id)
    const poolDb = registry.getSandbox(warm.id)?.hosts['db']?.containerId
    expect(exec(poolWorkstation, 'cat /etc/motd')).not.toContain('prepared for seed')
    expect(exec(poolWorkstation, 'cat /data/seed.txt')).not.toContain('seed=1234567\n')
    // Nobody can see it: it is in no learner's list.
    expect(registry.list().map((s) => s.id)).not.toContain(warm.id)

    const [a, b] = await Promise.all([
      registry.create({ userId: 'learner-a', labSlug: 'sample', seed: '1234567' }),
      registry.create({ userId: 'learner-b', labSlug: 'sample', seed: '7654321' }),
    ])
    const outcomes = [started(a), started(b)]
    expect(outcomes.map((o) => o.start).sort()).toEqual(['cold', 'warm'])
    const claimed = outcomes.find((o) => o.start === 'warm')
    const cold = outcomes.find((o) => o.start === 'cold')
    expect(claimed?.sandbox.id).toBe(warm.id)
    expect(claimed?.status).toBe('ready')
    expect(cold?.sandbox.id).not.toBe(warm.id)
    expect(registry.pooled()).toHaveLength(0)

    // Personalised: the owner's seed in the seed job's output and in the setup hook's file.
    const owner = claimed?.sandbox.ownerId
    const seed = owner === 'learner-a' ? '1234567' : '7654321'
    const workstation = workstationOf(registry, warm.id)
    expect(exec(workstation, 'cat /data/seed.txt').trim()).toBe(`seed=${seed}`)
    expect(exec(workstation, 'cat /etc/motd').trim()).toBe(`prepared for seed ${seed}`)
    expect(registry.scriptEnv(warm.id)?.['ACADEMY_SEED']).toBe(seed)
    // The seed-bound service that declares a reseed command took the seed live, not recreated;
    // the finished seed job, which cannot, ran again.
    const db = registry.getSandbox(warm.id)?.hosts['db']?.containerId ?? ''
    expect(db).toBe(poolDb)
    expect(exec(db, 'cat /tmp/seed').trim()).toBe(seed)
    // A service that uses no seed (only the sandbox's secrets) keeps its container: the claim
    // restarts nothing it does not have to.
    expect(workstation).toBe(poolWorkstation)
    // Nothing from pool time: no shell history, no other learner's files.
    expect(exec(workstation, 'ls -a /root; cat /root/.bash_history 2>/dev/null | wc -l')).not.toContain(
      '.bash_history',
    )
    expect(registry.list(owner).map((s) => s.id)).toEqual([warm.id])
    await registry.whenSettled(cold?.sandbox.id ?? '')
  }, 180_000)

  it('gives each learner their own variant and secrets from the same pool', async () => {
    const { registry, pools } = await setup({ maxSandboxes: 4 })
    pools.configure({ labs: { sample: 2 } })
    await warmUntil(pools, registry, 2)
    const a = started(await registry.create({ userId: 'learner-a', labSlug: 'sample', seed: '111' }))
    const b = started(await registry.create({ userId: 'learner-b', labSlug: 'sample', seed: '222' }))
    expect([a.start, b.start]).toEqual(['warm', 'warm'])
    const envA = registry.scriptEnv(a.sandbox.id) ?? {}
    const envB = registry.scriptEnv(b.sandbox.id) ?? {}
    expect(envA['ACADEMY_SEED']).toBe('111')
    expect(envB['ACADEMY_SEED']).toBe('222')
    expect(envA['POSTGRES_PASSWORD']).not.toBe(envB['POSTGRES_PASSWORD'])
    expect(exec(workstationOf(registry, b.sandbox.id), 'cat /data/seed.txt').trim()).toBe('seed=222')
  }, 180_000)

  it('falls back to a cold start when the pool is empty, and says so; a full runner queues honestly', async () => {
    const { registry, pools } = await setup({ maxSandboxes: 1 })
    pools.configure({ labs: { sample: 0 } })
    const first = started(await registry.create({ userId: 'learner-a', labSlug: 'sample' }))
    expect(first.start).toBe('cold')
    expect(first.status).toBe('provisioning')
    const second = await registry.create({ userId: 'learner-b', labSlug: 'sample' })
    expect(second).toMatchObject({ status: 'queued', position: 1, start: 'cold' })
    if (second.status === 'queued') expect(second.estimatedWaitS).toBeGreaterThan(0)
    await registry.whenSettled(first.sandbox.id)
  }, 180_000)

  it('recycles an unclaimed warm sandbox once it is older than the configured age', async () => {
    const { registry, pools } = await setup({ maxSandboxes: 3, maxAgeMs: 60 * 60_000 })
    pools.configure({ labs: { sample: 1 } })
    await warmUntil(pools, registry, 1)
    const [old] = registry.pooled()
    clockOffsetMs = 61 * 60_000
    await pools.tick()
    expect(registry.pooled().map((p) => p.id)).not.toContain(old?.id)
    await warmUntil(pools, registry, 1)
    const [fresh] = registry.pooled()
    expect(fresh?.id).not.toBe(old?.id)
    expect((await docker.listNetworks({ filters: { label: [`${LABEL.sandbox}=${old?.id}`] } })).length).toBe(
      0,
    )
  }, 180_000)

  it('gives way to a learner when capacity is short: the warm sandbox goes, the learner starts', async () => {
    const { registry, pools } = await setup({ maxSandboxes: 1 })
    // A session's pool: a learner outside the session cannot claim it, so it must make room.
    pools.configure({ sessions: [{ id: 'session-x', labSlug: 'sample', seats: 1 }] })
    await warmUntil(pools, registry, 1)
    const [warm] = registry.pooled()
    const outcome = started(await registry.create({ userId: 'learner-c', labSlug: 'sample' }))
    expect(outcome.start).toBe('cold')
    expect(outcome.sandbox.id).not.toBe(warm?.id)
    expect(registry.pooled()).toHaveLength(0)
    // While the learner holds the only slot, the pool does not refill.
    await pools.tick()
    expect(registry.pooled()).toHaveLength(0)
    expect(registry.list().every((s) => s.ownerId !== POOL_OWNER)).toBe(true)
    await registry.whenSettled(outcome.sandbox.id)
  }, 180_000)

  it("serves a session's learners from its pool first, and releases the unclaimed when it ends", async () => {
    const { registry, pools } = await setup({ maxSandboxes: 4 })
    pools.configure({ sessions: [{ id: 'session-y', labSlug: 'sample', seats: 2 }] })
    await warmUntil(pools, registry, 2)
    // Outside the session: no claim from its pool.
    const stranger = started(await registry.create({ userId: 'stranger', labSlug: 'sample' }))
    expect(stranger.start).toBe('cold')
    const member = started(
      await registry.create({ userId: 'member', labSlug: 'sample', poolSession: 'session-y' }),
    )
    expect(member.start).toBe('warm')
    expect(pools.status().pools.find((p) => p.sessionId === 'session-y')).toMatchObject({
      claimed: 1,
      ready: 1,
    })
    // The session is over: the web app no longer lists it.
    pools.configure({ sessions: [] })
    await pools.tick()
    expect(registry.pooled()).toHaveLength(0)
    expect(registry.getSandbox(member.sandbox.id)?.ownerId).toBe('member')
    await registry.whenSettled(stranger.sandbox.id)
  }, 180_000)

  it('tells how many sandboxes a session can hold, and why not more', async () => {
    const { pools } = await setup({ maxSandboxes: 3 })
    const plan = pools.plan('sample', 5)
    expect(plan?.holdable).toBe(3)
    expect(plan?.reasons.join(' ')).toContain('RUNNER_MAX_SANDBOXES')
    expect(pools.plan('no-such-lab', 1)).toBeUndefined()
  })

  it('holds as many warm sandboxes as the machines taking sandboxes allow (budget and limit per machine)', () => {
    let machines = 3
    const host: PoolHost = {
      pooled: () => [],
      canRefill: () => false,
      startPooled: async () => undefined,
      releasePooled: async () => false,
      counts: () => ({ active: 0, queued: 0 }),
      machineCount: () => machines,
    }
    const sized = (memoryBudgetBytes: number) =>
      new WarmPools({
        registry: host,
        catalog,
        labsDir,
        defaultSizes: {},
        memoryBudgetBytes,
        maxSandboxes: 2,
        maxAgeMs: 60_000,
        log: quiet,
      })
    const roomy = sized(1024 ** 4)
    expect(roomy.plan('sample', 10)).toMatchObject({ holdable: 6 })
    expect(roomy.plan('sample', 10)?.reasons.join(' ')).toContain('at most 6 sandboxes at once on 3 machines')
    // A budget for exactly one sandbox per machine: three on three machines, one once two are lost.
    const one = sized(roomy.sandboxMemoryBytes('sample') ?? 0)
    expect(one.plan('sample', 10)).toMatchObject({ holdable: 3 })
    machines = 1
    expect(one.plan('sample', 10)).toMatchObject({ holdable: 1 })
    expect(one.plan('sample', 10)?.reasons.join(' ')).not.toContain('machines')
  })
})

// Red-team tests of the runner's isolation controls (issue 12), against the real engine with the
// light sample lab. Complements security.integration.test.ts (fork bomb, memory, tickets, files,
// IPv4 to the host) with: the disk budget, IPv6 and DNS egress, fail-closed isolation, and
// restarts (a runner killed mid-provisioning, an engine that is down at start-up). Traffic goes
// only to loopback and this test's own containers; every write is bounded (tens of MiB).
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createSocket, type Socket as UdpSocket } from 'node:dgram'
import { rmSync } from 'node:fs'
import { connect, createServer, type AddressInfo, type Server } from 'node:net'
import { networkInterfaces, tmpdir } from 'node:os'
import path from 'node:path'
import Docker from 'dockerode'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { createRunnerServer } from './http/runner-server'
import { loadLabDefinitions } from '../../contracts/load-lab-definitions'
import { runnerLabOptions } from './labs/read-lab-topology'
import { adoptWithRetry } from './sandboxes/adopt-with-retry'
import { createHookRunner } from './sandboxes/lab-hooks'
import { LABEL } from './sandboxes/labels'
import {
  SandboxRegistry,
  type HookRunner,
  type Logger,
  type SandboxRegistryOptions,
} from './sandboxes/sandbox-registry'
import { createTicketStore } from './terminal/tickets'
import { bridgeName, listSandboxContainers, networkName } from './topology/docker-driver'
import { ensureHostFirewall } from './topology/host-firewall'
import { ensureTestShellImage } from '../test-fixtures/test-images'
import { dockerEngine } from './engine/docker-engine'

const labsDir = path.resolve(import.meta.dirname, '../test-fixtures/labs')
const docker = new Docker()
const run = randomBytes(4).toString('hex')
const quiet: Logger = { info: () => {}, warn: () => {}, error: () => {} }
const instances: string[] = []
const MiB = 1024 * 1024
const DISK_BUDGET = 48 * MiB

function newRegistry(instance: string, extra: Partial<SandboxRegistryOptions> = {}): SandboxRegistry {
  instances.push(instance)
  const registry: SandboxRegistry = new SandboxRegistry({
    engine: dockerEngine(docker),
    catalog: loadLabDefinitions(labsDir, runnerLabOptions),
    labsDir,
    maxSandboxes: 4,
    instance,
    extraLabels: { 'academy.test': '1' },
    reapIntervalMs: 3_600_000,
    diskCheckIntervalMs: 3_600_000,
    log: quiet,
    runHook: createHookRunner(docker, (id) => registry.scriptEnv(id)),
    ...extra,
  })
  return registry
}

async function createReady(registry: SandboxRegistry, userId: string): Promise<string> {
  const outcome = await registry.create({ userId, labSlug: 'sample' })
  if (outcome.status !== 'provisioning' && outcome.status !== 'ready')
    throw new Error(JSON.stringify(outcome))
  const settled = await registry.whenSettled(outcome.sandbox.id)
  if (settled?.state !== 'ready') throw new Error(`not ready: ${JSON.stringify(settled)}`)
  return settled.id
}

function exec(
  containerId: string,
  script: string,
  timeoutMs = 20_000,
): { code: number | null; out: string; ms: number } {
  const started = performance.now()
  const result = spawnSync('docker', ['exec', containerId, 'bash', '-c', script], {
    encoding: 'utf8',
    timeout: timeoutMs,
  })
  return {
    code: result.status,
    out: `${result.stdout ?? ''}${result.stderr ?? ''}`,
    ms: performance.now() - started,
  }
}

function hostOf(registry: SandboxRegistry, sandboxId: string, host: string): string {
  const id = registry.getSandbox(sandboxId)?.hosts[host]?.containerId
  if (!id) throw new Error(`sandbox ${sandboxId} has no ${host}`)
  return id
}

async function running(containerId: string): Promise<boolean> {
  return (await docker.getContainer(containerId).inspect()).State.Running
}

let registry: SandboxRegistry
let sandboxA = ''
let sandboxB = ''

beforeAll(async () => {
  ensureTestShellImage()
  registry = newRegistry(`test-redteam-${run}`, { diskBudgetBytes: DISK_BUDGET })
  await registry.start()
  ;[sandboxA, sandboxB] = await Promise.all([createReady(registry, 'red-a'), createReady(registry, 'red-b')])
}, 300_000)

afterAll(async () => {
  await registry?.stop()
  for (const instance of instances) {
    const filters = { label: [`${LABEL.runner}=${instance}`] }
    for (const c of await docker.listContainers({ all: true, filters }))
      await docker.getContainer(c.Id).remove({ force: true, v: true })
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
}, 120_000)

describe('disk budget per sandbox', () => {
  it('rotates container logs and warns at 80 %; at 100 % stops the writer, tells the learner how to reset, and leaves B alone', async () => {
    const workstationA = hostOf(registry, sandboxA, 'workstation')
    const workstationB = hostOf(registry, sandboxB, 'workstation')
    const info = await docker.getContainer(workstationA).inspect()
    expect(info.HostConfig.LogConfig).toEqual({
      Type: 'json-file',
      Config: { 'max-size': '5m', 'max-file': '2' },
    })

    await registry.checkDisk()
    expect((await registry.status(sandboxA))?.disk).toMatchObject({
      level: 'ok',
      budgetBytes: DISK_BUDGET,
      stoppedHosts: [],
    })

    // 40 MiB of 48: a warning, nothing stopped.
    expect(
      exec(workstationA, 'dd if=/dev/zero of=/tmp/fill-1 bs=1M count=40 conv=fsync status=none && echo wrote')
        .out,
    ).toContain('wrote')
    await registry.checkDisk()
    const warned = (await registry.status(sandboxA))?.disk
    expect(warned).toMatchObject({ level: 'warning', stoppedHosts: [] })
    expect(warned?.usedBytes).toBeGreaterThanOrEqual(40 * MiB)
    expect(warned?.message).toMatch(/of disk space \(8\d %\)/)
    expect(await running(workstationA)).toBe(true)

    // 20 MiB more: over budget, so the workstation (the writer) is stopped; db keeps running.
    expect(
      exec(workstationA, 'dd if=/dev/zero of=/tmp/fill-2 bs=1M count=20 conv=fsync status=none && echo wrote')
        .out,
    ).toContain('wrote')
    await registry.checkDisk()
    const over = (await registry.status(sandboxA))?.disk
    expect(over).toMatchObject({ level: 'over', stoppedHosts: ['workstation'] })
    expect(over?.message).toMatch(/used up its disk space .* "workstation" was stopped .* Reset the lab/)
    expect(await running(workstationA)).toBe(false)
    expect(await running(hostOf(registry, sandboxA, 'db'))).toBe(true)

    // B: same budget, untouched.
    expect(await running(workstationB)).toBe(true)
    expect((await registry.status(sandboxB))?.disk).toMatchObject({ level: 'ok', stoppedHosts: [] })
    expect(exec(workstationB, 'echo b-alive').out).toContain('b-alive')

    // The way back the message names: a reset gives fresh containers and a clean budget.
    expect(await registry.reset(sandboxA)).toMatchObject({ ok: true })
    expect(await registry.whenSettled(sandboxA)).toMatchObject({ state: 'ready' })
    await registry.checkDisk()
    expect((await registry.status(sandboxA))?.disk).toMatchObject({ level: 'ok', stoppedHosts: [] })
    expect(await running(hostOf(registry, sandboxA, 'workstation'))).toBe(true)
  }, 120_000)
})

describe('a sandbox reaches nothing outside its own network', () => {
  it('resolves its own service names, but no outside name, and never asks the host’s resolver', async () => {
    const workstation = hostOf(registry, sandboxB, 'workstation')
    expect((await docker.getContainer(workstation).inspect()).HostConfig.Dns).toEqual(['127.0.0.1'])
    // A resolver on the host's loopback, as systemd-resolved or dnsmasq would be (CVE-2024-29018:
    // Docker 20.10 forwarded internal networks' queries to it from the host's namespace).
    const queries: string[] = []
    const resolver: UdpSocket | undefined = await new Promise((resolve) => {
      const socket = createSocket('udp4')
      socket.once('error', () => resolve(undefined)) // port 53 taken: the name checks below still apply
      socket.on('message', (message) => queries.push(message.toString('latin1')))
      socket.bind(53, '127.0.0.1', () => resolve(socket))
    })
    onTestFinished(() => {
      resolver?.close()
    })

    const probe = exec(
      workstation,
      [
        'cat /etc/resolv.conf',
        'getent hosts db >/dev/null && echo "db=resolved"',
        // One lookup each: an unknown name takes the embedded resolver's timeout (about 10 s) to fail.
        'getent hosts redteam-probe.invalid; echo "outside rc=$?"',
        'getent hosts host.docker.internal; echo "docker-host rc=$?"',
      ].join('\n'),
      50_000,
    )
    expect(probe.out).toContain('nameserver 127.0.0.11')
    expect(probe.out).toContain('db=resolved')
    expect(probe.out).toContain('outside rc=2')
    expect(probe.out).toContain('docker-host rc=2')
    expect(queries.filter((q) => q.includes('redteam-probe'))).toEqual([])
  }, 60_000)

  it('has no IPv6 route out, and cannot reach the host over IPv6 link-local', async () => {
    const network = await docker.getNetwork(networkName(sandboxB)).inspect()
    expect(network.EnableIPv6).toBe(false)
    const workstation = hostOf(registry, sandboxB, 'workstation')
    // /proc/net/if_inet6: address, index, prefix, scope (00 = global), flags, name.
    const addresses = exec(workstation, 'cat /proc/net/if_inet6 2>/dev/null; true')
      .out.trim()
      .split('\n')
      .filter(Boolean)
    expect(addresses.filter((line) => line.split(/\s+/)[3] === '00')).toEqual([])

    const v6 = spawnSync('ip6tables', ['-S', 'INPUT'], { encoding: 'utf8' }).stdout
    expect(v6).toContain('-A INPUT -i hxa+ -m conntrack ! --ctstate RELATED,ESTABLISHED')

    // A host service listening on every IPv6 address, tried through the bridge's link-local address.
    const accepted: string[] = []
    const listener: Server = createServer((socket) => {
      accepted.push(String(socket.remoteAddress))
      socket.end('hello\n')
    })
    await new Promise<void>((resolve) => listener.listen(0, '::', resolve))
    onTestFinished(() => void listener.close())
    const port = (listener.address() as AddressInfo).port
    const linkLocal = (networkInterfaces()[bridgeName(sandboxB)] ?? []).find(
      (a) => a.family === 'IPv6' && a.address.startsWith('fe80'),
    )
    if (linkLocal) {
      // The host itself reaches it, so the listener is real...
      await new Promise<void>((resolve, reject) => {
        const socket = connect({ host: `${linkLocal.address}%${bridgeName(sandboxB)}`, port }, () =>
          socket.end(() => resolve()),
        )
        socket.on('error', reject)
      })
      const fromHost = accepted.length
      // ...but not the sandbox: dropped (rc 28) or no IPv6 at all in the container (rc 7).
      const probe = exec(
        workstation,
        `curl -g -s -o /dev/null --connect-timeout 2 "http://[${linkLocal.address}%25eth0]:${port}/"; echo "rc=$?"`,
      )
      expect(probe.out).toMatch(/rc=(28|7)\b/)
      expect(accepted.length).toBe(fromHost)
    } else {
      // No link-local address on the bridge: there is no IPv6 path to the host at all.
      const probe = exec(
        workstation,
        `curl -6 -g -s -o /dev/null --connect-timeout 2 "http://[::1]:${port}/"; echo "rc=$?"`,
      )
      expect(probe.out).not.toContain('rc=0')
    }
  }, 30_000)
})

describe('isolation fails closed', () => {
  it('refuses to start sandboxes when the host firewall cannot be installed, unless the development override is set', async () => {
    const broken = () => ensureHostFirewall({ iptables: 'iptables-not-installed-redteam' })
    expect(await broken()).toMatchObject({
      ok: false,
      message: expect.stringContaining('RUNNER_UNSAFE_NO_FIREWALL=1'),
    })

    const strict = newRegistry(`test-redteam-fw-${run}`, { ensureFirewall: broken })
    await strict.start()
    const refused = await strict.create({ userId: 'fw-user', labSlug: 'sample' })
    expect(refused).toMatchObject({
      status: 'error',
      code: 'isolation-unavailable',
      message: expect.stringContaining('no sandbox starts'),
    })
    expect(
      await docker.listNetworks({ filters: { label: [`${LABEL.runner}=test-redteam-fw-${run}`] } }),
    ).toEqual([])

    const lax = newRegistry(`test-redteam-fw-${run}`, { ensureFirewall: broken, allowNoFirewall: true })
    await lax.start()
    const created = await lax.create({ userId: 'fw-user', labSlug: 'sample' })
    expect(created).toMatchObject({ status: 'provisioning' })
    const id = created.status === 'provisioning' ? created.sandbox.id : ''
    expect(await lax.whenSettled(id)).toMatchObject({ state: 'ready' })
    expect(await lax.delete(id)).toMatchObject({ ok: true })
    await lax.stop()
  }, 90_000)
})

describe('restarts', () => {
  it('a sandbox whose provisioning was cut short is removed and reported interrupted; an engine that is down delays adoption without losing sessions', async () => {
    const instance = `test-redteam-restart-${run}`
    // Runner 1 is "killed" during the setup hook: the hook never returns, so provisioning never finishes.
    let hookStarted: () => void = () => {}
    const inSetup = new Promise<void>((resolve) => (hookStarted = resolve))
    const hanging: HookRunner = () => {
      hookStarted()
      return new Promise(() => {})
    }
    const first = newRegistry(instance, { runHook: hanging })
    await first.start()
    const created = await first.create({ userId: 'restart-user', labSlug: 'sample' })
    const halfBuilt = created.status === 'provisioning' ? created.sandbox.id : ''
    expect(halfBuilt).not.toBe('')
    await inSetup
    // Every service is up; only the setup hook has not finished (the old runner adopted this as ready).
    expect((await listSandboxContainers(docker, halfBuilt)).length).toBe(3)

    const second = newRegistry(instance)
    const adopted = await second.start()
    expect(adopted.interrupted).toEqual([halfBuilt])
    expect(adopted.adopted).toEqual([])
    expect(await listSandboxContainers(docker, halfBuilt)).toEqual([])
    expect(await second.status(halfBuilt)).toMatchObject({
      state: 'failed',
      errorCode: 'interrupted',
      error: expect.stringContaining('interrupted while it was starting'),
    })
    expect(second.getSandbox(halfBuilt)).toBeUndefined()
    // Starting again builds a fresh sandbox, set up this time.
    const fresh = await createReady(second, 'restart-user')
    expect(fresh).not.toBe(halfBuilt)
    await second.stop()

    // Runner 3 starts while the engine is unreachable (a socket that answers only later).
    const socketPath = path.join(tmpdir(), `redteam-engine-${run}.sock`)
    rmSync(socketPath, { force: true })
    const third = newRegistry(instance, { engine: dockerEngine(new Docker({ socketPath })) })
    const server = createRunnerServer({
      registry: third,
      tickets: createTicketStore(),
      serviceToken: 't'.repeat(32),
      publicOrigins: [],
      log: quiet,
      labErrors: 0,
    })
    await new Promise<void>((resolve) => server.server.listen(0, '127.0.0.1', resolve))
    onTestFinished(() => server.close())
    const base = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`
    const statusOf = async (id: string) => {
      const res = await fetch(`${base}/v1/sandboxes/${id}`, {
        headers: { authorization: `Bearer ${'t'.repeat(32)}` },
      })
      return { status: res.status, body: (await res.json()) as Record<string, unknown> }
    }
    const adoption = adoptWithRetry({ registry: third, log: quiet, initialDelayMs: 100, maxDelayMs: 400 })
    onTestFinished(() => adoption.cancel())
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(third.awaitingEngine()).toBe(true)
    // Not "not found" (the web app would end the learner's session): the engine is unavailable.
    expect(await statusOf(fresh)).toMatchObject({
      status: 503,
      body: { error: { code: 'engine-unavailable' } },
    })
    expect(await third.create({ userId: 'restart-user', labSlug: 'sample' })).toMatchObject({
      status: 'error',
      code: 'engine-unavailable',
    })

    // The engine comes back: a proxy to the real socket appears at that path.
    const proxy = createServer((client) => {
      const upstream = connect('/var/run/docker.sock')
      client.pipe(upstream).pipe(client)
      client.on('error', () => upstream.destroy())
      upstream.on('error', () => client.destroy())
    })
    await new Promise<void>((resolve) => proxy.listen(socketPath, resolve))
    onTestFinished(() => void proxy.close())
    const result = await adoption.done
    expect(result.adopted).toEqual([fresh])
    expect(third.awaitingEngine()).toBe(false)
    expect(await statusOf(fresh)).toMatchObject({
      status: 200,
      body: { sandbox: { id: fresh, state: 'ready' } },
    })
    await third.stop()
  }, 180_000)
})

// Abuse tests against the real runner (REST + terminals) and two real sandboxes of the light
// sample lab: what one learner can do inside sandbox A must stay inside A. Every abuse here is
// bounded in count and time (`timeout -s KILL`, fixed sizes), so a failing test cannot take the
// host down with it. Complements, without repeating:
//  - sandboxes/sandbox-registry.test.ts: A cannot reach B's IP, nor a host listener on the gateway;
//  - terminal/terminal-server.test.ts: ticket reuse/mismatch at the terminal endpoint, read-only keystrokes;
//  - files/sandbox-files.test.ts: path rules of the files module itself;
//  - red-team.integration.test.ts: disk budget, IPv6 and DNS egress, fail-closed firewall, restarts.
import { spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { networkInterfaces } from 'node:os'
import path from 'node:path'
import Docker from 'dockerode'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRunnerServer, type RunnerServer } from './http/runner-server'
import { loadLabDefinitions } from '../../contracts/load-lab-definitions'
import { runnerLabOptions } from './labs/read-lab-topology'
import { createHookRunner } from './sandboxes/lab-hooks'
import { LABEL } from './sandboxes/labels'
import { SandboxRegistry, type Logger } from './sandboxes/sandbox-registry'
import {
  connectTerminal,
  expectConnected,
  type TerminalClient,
} from './terminal/test-support/terminal-client'
import { createTicketStore } from './terminal/tickets'
import { networkName } from './topology/docker-driver'
import { ensureTestShellImage } from '../test-fixtures/test-images'
import { dockerEngine } from './engine/docker-engine'

const labsDir = path.resolve(import.meta.dirname, '../test-fixtures/labs')
const docker = new Docker()
const token = randomBytes(32).toString('hex')
const instance = `test-security-${randomBytes(4).toString('hex')}`
const quiet: Logger = { info: () => {}, warn: () => {}, error: () => {} }
const openClients: TerminalClient[] = []

let registry: SandboxRegistry
let runner: RunnerServer
let base = ''
let port = 0
let sandboxA = ''
let sandboxB = ''
let workstationA = ''
let workstationB = ''

async function api(
  method: string,
  url: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const send = () =>
    fetch(base + url, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
  // `exec` below blocks this process (the runner under test runs in it) for up to 30 s; when the
  // loop resumes, the client may reuse a keep-alive socket the server is closing at that moment.
  // That reset is an artefact of the blocked loop, so one retry on a fresh socket is safe.
  const res = await send().catch((error: unknown) => {
    if ((error as { cause?: { code?: string } }).cause?.code === 'ECONNRESET') return send()
    throw error
  })
  return { status: res.status, json: (await res.json()) as Record<string, unknown> }
}

/** `docker exec` with a hard wall-clock bound; `code` is null when the bound was hit (or exec failed to start). */
function exec(
  containerId: string,
  script: string,
  timeoutMs = 15_000,
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

/** A container's cgroup file (cgroup v1 with the cgroupfs driver, else v2 with systemd). */
function cgroupFile(
  controller: 'pids' | 'memory',
  containerId: string,
  v1Name: string,
  v2Name: string,
): string {
  const v1 = `/sys/fs/cgroup/${controller}/docker/${containerId}/${v1Name}`
  if (existsSync(v1)) return readFileSync(v1, 'utf8')
  return readFileSync(`/sys/fs/cgroup/system.slice/docker-${containerId}.scope/${v2Name}`, 'utf8')
}
const pidsCurrent = (id: string) => Number(cgroupFile('pids', id, 'pids.current', 'pids.current').trim())
/** Forks refused at the pids limit so far. */
const pidsRefused = (id: string) =>
  Number(/max (\d+)/.exec(cgroupFile('pids', id, 'pids.events', 'pids.events'))?.[1] ?? 0)
const oomKills = (id: string) =>
  Number(/oom_kill (\d+)/.exec(cgroupFile('memory', id, 'memory.oom_control', 'memory.events'))?.[1] ?? 0)

/**
 * Stops a fork bomb for good: freeze the container (no new forks), SIGKILL every process in its
 * cgroup except docker-init and the main `sleep infinity`, thaw. Only A's own cgroup is touched.
 */
async function killBomb(containerId: string): Promise<void> {
  const container = docker.getContainer(containerId)
  const initPid = (await container.inspect()).State.Pid
  await container.pause()
  try {
    const pids = cgroupFile('pids', containerId, 'cgroup.procs', 'cgroup.procs')
      .split('\n')
      .filter(Boolean)
      .map(Number)
    for (const pid of pids) {
      if (pid === initPid) continue
      let command = ''
      try {
        command = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
      } catch {
        continue // already gone
      }
      if (command === 'sleep\0infinity\0') continue
      try {
        process.kill(pid, 'SIGKILL')
      } catch {
        // already gone
      }
    }
  } finally {
    await container.unpause()
  }
}

async function healthzMs(): Promise<{ status: number; ms: number }> {
  const started = performance.now()
  const send = () => fetch(`${base}/healthz`, { signal: AbortSignal.timeout(5_000) })
  // Same keep-alive artefact as in api(): a socket closed while `exec` blocked this process.
  const res = await send().catch((error: unknown) => {
    if ((error as { cause?: { code?: string } }).cause?.code === 'ECONNRESET') return send()
    throw error
  })
  await res.text()
  return { status: res.status, ms: performance.now() - started }
}

async function createReady(userId: string): Promise<string> {
  const created = await api('POST', '/v1/sandboxes', { userId, labSlug: 'sample' })
  const id = (created.json['sandbox'] as { id?: string } | undefined)?.id
  if (!id) throw new Error(`could not create a sandbox: ${JSON.stringify(created)}`)
  const settled = await registry.whenSettled(id)
  if (settled?.state !== 'ready')
    throw new Error(`sandbox ${id} is ${settled?.state ?? 'gone'}: ${settled?.error ?? ''}`)
  return id
}

function workstationOf(id: string): string {
  const containerId = registry.getSandbox(id)?.hosts['workstation']?.containerId
  if (!containerId) throw new Error(`sandbox ${id} has no workstation`)
  return containerId
}

async function ticket(sandboxId: string, mode: 'rw' | 'ro', tab: string): Promise<string> {
  const minted = await api('POST', `/v1/sandboxes/${sandboxId}/tickets`, {
    userId: 'sec-a',
    host: 'workstation',
    mode,
    tab,
  })
  if (minted.status !== 201) throw new Error(`ticket refused: ${JSON.stringify(minted)}`)
  return String(minted.json['ticket'])
}

beforeAll(async () => {
  ensureTestShellImage()
  registry = new SandboxRegistry({
    engine: dockerEngine(docker),
    catalog: loadLabDefinitions(labsDir, runnerLabOptions),
    labsDir,
    maxSandboxes: 2,
    instance,
    extraLabels: { 'academy.test': '1' },
    reapIntervalMs: 3_600_000,
    log: quiet,
    runHook: createHookRunner(docker, (id) => registry.scriptEnv(id)),
  })
  // start() also installs the host firewall rule the gateway test relies on.
  await registry.start()
  runner = createRunnerServer({
    registry,
    tickets: createTicketStore(),
    serviceToken: token,
    publicOrigins: ['http://localhost:3000'],
    log: quiet,
    labErrors: 0,
  })
  // All addresses, like a runner reachable by the web app on another machine: the worst case
  // for "can a sandbox reach the runner".
  await new Promise<void>((resolve) => runner.server.listen(0, '0.0.0.0', resolve))
  port = (runner.server.address() as AddressInfo).port
  base = `http://127.0.0.1:${port}`
  ;[sandboxA, sandboxB] = await Promise.all([createReady('sec-a'), createReady('sec-b')])
  workstationA = workstationOf(sandboxA)
  workstationB = workstationOf(sandboxB)
}, 300_000)

afterAll(async () => {
  await Promise.all(openClients.map((c) => c.close()))
  await runner?.close()
  await registry?.stop()
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
}, 60_000)

describe('one sandbox cannot hurt another, the runner or the host', () => {
  it('a fork bomb in A hits A’s pids limit while B and the runner stay responsive', async () => {
    const limit = (await docker.getContainer(workstationA).inspect()).HostConfig.PidsLimit ?? 0
    expect(limit).toBeGreaterThan(0)
    const refusedBefore = pidsRefused(workstationA)
    // Bounded by A's cgroup (pids, 0.25 CPU); `timeout` is only a fail-safe: a fork bomb re-forks
    // faster than one group kill, so the test stops it for good with killBomb() below.
    const bomb = spawn(
      'docker',
      ['exec', workstationA, 'timeout', '-s', 'KILL', '30', 'bash', '-c', ':(){ :|:& };:'],
      { stdio: 'ignore' },
    )
    const bombDone = new Promise<void>((resolve) => bomb.on('exit', () => resolve()))
    try {
      const deadline = Date.now() + 8_000
      while (pidsCurrent(workstationA) < limit - 2 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100))
      expect(pidsCurrent(workstationA)).toBeGreaterThanOrEqual(limit - 2)
      expect(pidsCurrent(workstationA)).toBeLessThanOrEqual(limit)
      await new Promise((r) => setTimeout(r, 500))
      expect(pidsRefused(workstationA)).toBeGreaterThan(refusedBefore)

      // While A is saturated: B answers quickly, the runner's health and REST answer.
      const inB = exec(workstationB, 'echo alive-$((20+22))', 5_000)
      expect(inB.out).toContain('alive-42')
      expect(inB.ms).toBeLessThan(5_000)
      const health = await healthzMs()
      expect(health.status).toBe(200)
      expect(health.ms).toBeLessThan(2_000)
      expect((await api('GET', `/v1/sandboxes/${sandboxB}`)).json).toMatchObject({
        sandbox: { state: 'ready' },
      })
    } finally {
      await killBomb(workstationA)
      await bombDone
    }
    // With the bomb gone, A is usable again: its shell forks normally.
    const deadline = Date.now() + 10_000
    while (pidsCurrent(workstationA) > 5 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100))
    expect(pidsCurrent(workstationA)).toBeLessThanOrEqual(5)
    const after = exec(workstationA, 'echo recovered')
    expect(after.out.trim()).toBe('recovered')
  }, 40_000)

  it('a memory hog in A is OOM-killed inside A’s limit; A’s shell and B live on', async () => {
    const limitBytes = (await docker.getContainer(workstationA).inspect()).HostConfig.Memory ?? 0
    expect(limitBytes).toBeGreaterThan(0)
    const [killsA, killsB] = [oomKills(workstationA), oomKills(workstationB)]
    // `tail -n 1` keeps a newline-free stream in memory: it grows until the OOM killer stops it
    // (bounded at 512 MB of input in any case).
    const hog = exec(
      workstationA,
      `set -o pipefail; head -c ${512 * 1024 * 1024} /dev/zero | tail -n 1 >/dev/null; echo "rc=$?"`,
      30_000,
    )
    expect(hog.out).toContain('rc=137')
    expect(oomKills(workstationA)).toBeGreaterThan(killsA)
    expect(oomKills(workstationB)).toBe(killsB)
    // The kernel may overshoot the limit by a page or so before the OOM killer acts.
    const peak = Number(cgroupFile('memory', workstationA, 'memory.max_usage_in_bytes', 'memory.peak').trim())
    expect(peak).toBeLessThanOrEqual(limitBytes + 1024 * 1024)
    expect((await docker.getContainer(workstationA).inspect()).State.Status).toBe('running')
    expect(exec(workstationA, 'echo still-here').out).toContain('still-here')
    expect(exec(workstationB, 'echo fine').out).toContain('fine')
  }, 40_000)

  it('a bounded disk write in A leaves B and the runner alone', async () => {
    // overlay2 on ext4 cannot enforce a size (no StorageOpt), so the disk budget is a watchdog
    // (red-team.integration.test.ts proves it stops a writer). Here: no budget, a bounded 256 MiB.
    const write = exec(
      workstationA,
      'dd if=/dev/zero of=/tmp/filler bs=1M count=256 conv=fsync status=none && stat -c %s /tmp/filler; rm -f /tmp/filler',
      60_000,
    )
    expect(write.code, write.out).toBe(0)
    expect(write.out.trim()).toBe(String(256 * 1024 * 1024))
    expect(exec(workstationB, 'echo ok-b && test ! -e /tmp/filler').out).toContain('ok-b')
    expect((await healthzMs()).status).toBe(200)
  }, 70_000)

  it('A cannot open connections to the runner, on its gateway or on any other host address', async () => {
    const network = await docker.getNetwork(networkName(sandboxA)).inspect()
    const gateway = network.IPAM?.Config?.[0]?.Gateway ?? ''
    expect(gateway).not.toBe('')
    // A's gateway plus the host's own addresses (eth0, docker0…); other sandboxes' bridges come
    // and go with other tests, so they are left out.
    const ownAddresses = Object.entries(networkInterfaces())
      .filter(([name]) => !name.startsWith('hxa') && !name.startsWith('veth'))
      .flatMap(([, addresses]) => addresses ?? [])
      .filter((a) => a.family === 'IPv4' && !a.internal)
      .map((a) => a.address)
    const hostAddresses = [gateway, ...ownAddresses.filter((a) => a !== gateway)]
    for (const address of hostAddresses) {
      // The runner answers on that address from the host itself...
      expect(
        (await fetch(`http://${address}:${port}/healthz`, { signal: AbortSignal.timeout(3_000) })).status,
        address,
      ).toBe(200)
    }
    // ...but from A every one of them times out (the packets are dropped, not refused).
    const script = hostAddresses
      .map((a) => `curl -s -o /dev/null --connect-timeout 2 http://${a}:${port}/healthz; echo "${a} rc=$?"`)
      .join('\n')
    const probe = exec(workstationA, script, 30_000)
    for (const address of hostAddresses) expect(probe.out, address).toContain(`${address} rc=28`)
  }, 40_000)

  it('terminal tickets: single use through REST, bound to one sandbox, and read-only cannot be upgraded', async () => {
    // Single use, even after the first socket has gone.
    const once = await ticket(sandboxA, 'rw', 'sec-once')
    const first = expectConnected(await connectTerminal(base, { ticket: once }))
    openClients.push(first)
    await first.waitForMessage('hello')
    await first.close()
    expect(await connectTerminal(base, { ticket: once })).toMatchObject({ ok: false, status: 401 })

    // A ticket for A cannot be pointed at B (a live sandbox of the same runner); it is used up by the attempt.
    const forA = await ticket(sandboxA, 'rw', 'sec-mismatch')
    const redirected = await connectTerminal(base, { ticket: forA, sandbox: sandboxB })
    expect(redirected).toMatchObject({ ok: false, status: 403 })
    expect(redirected.ok ? '' : redirected.body).toContain('ticket-mismatch')
    expect(await connectTerminal(base, { ticket: forA })).toMatchObject({ ok: false, status: 401 })

    // The REST API accepts only the two modes; anything else is a validation error, not "rw".
    expect(
      (
        await api('POST', `/v1/sandboxes/${sandboxA}/tickets`, {
          userId: 'sec-a',
          host: 'workstation',
          mode: 'admin',
        })
      ).status,
    ).toBe(400)

    // A read-only ticket stays read-only whatever the client asks for.
    const viewer = expectConnected(
      await connectTerminal(base, { ticket: await ticket(sandboxA, 'ro', 'sec-ro'), mode: 'rw' }),
    )
    openClients.push(viewer)
    expect(await viewer.waitForMessage('hello')).toMatchObject({ mode: 'ro' })
    viewer.control({ type: 'mode', mode: 'rw' })
    viewer.type('touch /tmp/ro-was-upgraded\r')
    await viewer.waitForMessage('error')
    expect(
      viewer.messages.filter((m) => m.type === 'error').map((m) => (m as { code: string }).code),
    ).toEqual(expect.arrayContaining(['read-only']))
    await new Promise((r) => setTimeout(r, 500))
    expect(
      exec(workstationA, 'test -e /tmp/ro-was-upgraded && echo upgraded || echo absent').out.trim(),
    ).toBe('absent')
  })

  it('the REST files route refuses path traversal and files outside the lab’s editable list', async () => {
    const shadowBefore = exec(workstationA, 'sha256sum /etc/shadow').out
    const read = (filePath: string, host = 'workstation') =>
      api(
        'GET',
        `/v1/sandboxes/${sandboxA}/files?${new URLSearchParams({ host, path: filePath }).toString()}`,
      )
    expect(await read('../../etc/shadow')).toMatchObject({ status: 400 })
    expect(await read('/etc/motd/../../etc/shadow')).toMatchObject({
      status: 400,
      json: { error: { code: 'path-invalid' } },
    })
    expect(await read('/etc/./shadow')).toMatchObject({
      status: 400,
      json: { error: { code: 'path-invalid' } },
    })
    expect(await read('/etc/shadow')).toMatchObject({
      status: 403,
      json: { error: { code: 'path-not-editable' } },
    })
    expect(await read('/etc/motd', 'db')).toMatchObject({
      status: 403,
      json: { error: { code: 'path-not-editable' } },
    })
    // Percent-encoded dots arrive decoded, and are refused the same way.
    const encoded = await fetch(
      `${base}/v1/sandboxes/${sandboxA}/files?host=workstation&path=%2Fetc%2Fmotd%2F%2E%2E%2Fshadow`,
      {
        headers: { authorization: `Bearer ${token}` },
      },
    )
    expect(encoded.status).toBe(400)
    const write = await api(
      'PUT',
      `/v1/sandboxes/${sandboxA}/files?${new URLSearchParams({ host: 'workstation', path: '/etc/motd/../shadow' }).toString()}`,
      {
        content: 'root::0:0:::::\n',
      },
    )
    expect(write.status).toBe(400)
    expect(exec(workstationA, 'sha256sum /etc/shadow').out).toBe(shadowBefore)
    // The editable file itself still works, so the refusals above are about the paths.
    expect(await read('/etc/motd')).toMatchObject({ status: 200 })
  })
})

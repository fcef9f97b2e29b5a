// Typing in a lab terminal is learner activity: a learner who only types keeps the sandbox past
// its idle timeout. Real runner, real engine, the sample fixture lab (idle timeout 10 minutes);
// the registry's clock is moved forward instead of waiting the minutes out.
import type { AddressInfo } from 'node:net'
import { randomBytes } from 'node:crypto'
import path from 'node:path'
import Docker from 'dockerode'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRunnerServer, type RunnerServer } from '../http/runner-server'
import { loadLabDefinitions } from '../../../contracts/load-lab-definitions'
import { runnerLabOptions } from '../labs/read-lab-topology'
import { createHookRunner } from '../sandboxes/lab-hooks'
import { LABEL } from '../sandboxes/labels'
import { SandboxRegistry, type Logger } from '../sandboxes/sandbox-registry'
import { ensureTestShellImage } from '../../test-fixtures/test-images'
import { connectTerminal, type TerminalClient } from './test-support/terminal-client'
import { createTicketStore } from './tickets'
import { dockerEngine } from '../engine/docker-engine'

const labsDir = path.resolve(import.meta.dirname, '../../test-fixtures/labs')
const token = randomBytes(32).toString('hex')
const instance = `test-activity-${randomBytes(4).toString('hex')}`
const quiet: Logger = { info: () => {}, warn: () => {}, error: () => {} }
const MINUTE = 60_000
const THROTTLE_MS = 5_000
const docker = new Docker()
let offsetMs = 0
let registry: SandboxRegistry
let runner: RunnerServer
let base: string

beforeAll(async () => {
  ensureTestShellImage()
  registry = new SandboxRegistry({
    engine: dockerEngine(docker),
    catalog: loadLabDefinitions(labsDir, runnerLabOptions),
    labsDir,
    maxSandboxes: 2,
    instance,
    extraLabels: { 'academy.test': '1' },
    log: quiet,
    now: () => Date.now() + offsetMs,
    reapIntervalMs: 3_600_000,
    runHook: createHookRunner(docker, (id) => registry.scriptEnv(id)),
  })
  runner = createRunnerServer({
    registry,
    tickets: createTicketStore(),
    serviceToken: token,
    publicOrigins: ['http://localhost:3000'],
    log: quiet,
    labErrors: 0,
    terminalLimits: { activityEveryMs: THROTTLE_MS },
  })
  await new Promise<void>((resolve) => runner.server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(runner.server.address() as AddressInfo).port}`
}, 300_000)

afterAll(async () => {
  await runner?.close()
  for (const sandbox of registry?.list() ?? []) await registry.delete(sandbox.id)
  const filters = { label: [`${LABEL.runner}=${instance}`] }
  for (const c of await docker.listContainers({ all: true, filters }))
    await docker.getContainer(c.Id).remove({ force: true })
  for (const n of await docker.listNetworks({ filters })) await docker.getNetwork(n.Id).remove()
}, 120_000)

async function api(method: string, url: string, body?: unknown) {
  const res = await fetch(base + url, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: res.status, json: (await res.json()) as unknown }
}

async function openTerminal(id: string, mode: 'rw' | 'ro'): Promise<TerminalClient> {
  const ticket = await api('POST', `/v1/sandboxes/${id}/tickets`, {
    userId: 'typist',
    host: 'workstation',
    mode,
  })
  const terminal = await connectTerminal(base, { ticket: (ticket.json as { ticket: string }).ticket })
  if (!terminal.ok) throw new Error(`terminal refused: ${terminal.status} ${terminal.body}`)
  await terminal.client.waitForMessage('hello')
  return terminal.client
}

const idleExpiresAt = async (id: string) => Date.parse((await registry.whenSettled(id))?.idleExpiresAt ?? '')
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('terminal input keeps a sandbox from going idle', () => {
  it('a learner who only types outlives the idle timeout; one who stops is reaped', async () => {
    const created = await registry.create({ userId: 'typist', labSlug: 'sample' })
    if (created.status === 'queued' || created.status === 'error') throw new Error(JSON.stringify(created))
    const id = created.sandbox.id
    expect((await registry.whenSettled(id))?.state).toBe('ready')
    const terminal = await openTerminal(id, 'rw')
    const opened = await idleExpiresAt(id)

    // Six minutes later the learner types; six more and the original idle deadline has passed.
    offsetMs += 6 * MINUTE
    terminal.type('echo typing-$((6*7))\r')
    await terminal.waitForText('typing-42', 15_000)
    expect(await idleExpiresAt(id)).toBeGreaterThanOrEqual(opened + 6 * MINUTE)
    offsetMs += 6 * MINUTE
    expect(await registry.reap()).toEqual([])
    expect(registry.getSandbox(id)).toBeDefined()

    // Keystrokes are throttled: within the throttle window they do not move the deadline…
    const afterFirst = await idleExpiresAt(id)
    terminal.type('echo again\r')
    await terminal.waitForText('again', 15_000)
    expect(await idleExpiresAt(id)).toBe(afterFirst)
    // …after it, the next one does, and the status shows both clocks apart.
    await pause(THROTTLE_MS + 100)
    terminal.type('\r')
    for (let i = 0; i < 50 && (await idleExpiresAt(id)) === afterFirst; i++) await pause(20)
    expect(await idleExpiresAt(id)).toBeGreaterThanOrEqual(afterFirst + 6 * MINUTE)
    const status = (await api('GET', `/v1/sandboxes/${id}`)).json as {
      sandbox: { idleSecondsLeft: number; labSecondsLeft: number }
    }
    expect(status.sandbox.idleSecondsLeft).toBeGreaterThan(9 * 60)
    expect(status.sandbox.labSecondsLeft).toBeLessThanOrEqual(18 * 60)

    // A read-only viewer's keys are not the learner's activity.
    const viewer = await openTerminal(id, 'ro')
    const beforeViewer = await idleExpiresAt(id)
    offsetMs += 2 * MINUTE
    viewer.type('x')
    await pause(200)
    expect(await idleExpiresAt(id)).toBe(beforeViewer)
    await viewer.close()

    // Without input the idle timeout still applies.
    await terminal.close()
    offsetMs += 11 * MINUTE
    expect(await registry.reap()).toEqual([id])
  }, 180_000)

  it('"Keep my lab" (POST /activity) restarts the idle clock', async () => {
    const created = await registry.create({ userId: 'keeper', labSlug: 'sample' })
    if (created.status === 'queued' || created.status === 'error') throw new Error(JSON.stringify(created))
    const id = created.sandbox.id
    await registry.whenSettled(id)
    const before = await idleExpiresAt(id)
    offsetMs += 8 * MINUTE
    const kept = await api('POST', `/v1/sandboxes/${id}/activity`)
    expect(kept.status).toBe(200)
    expect((kept.json as { sandbox: { idleSecondsLeft: number } }).sandbox.idleSecondsLeft).toBeGreaterThan(
      9 * 60,
    )
    expect(await idleExpiresAt(id)).toBeGreaterThanOrEqual(before + 8 * MINUTE)
    await registry.delete(id)
  }, 120_000)
})

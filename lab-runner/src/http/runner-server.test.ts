// The REST API over a real socket and a real engine (plus one runner whose engine is gone).
import type { AddressInfo } from 'node:net'
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import path from 'node:path'
import Docker from 'dockerode'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadLabDefinitions } from '../../../contracts/load-lab-definitions'
import { runnerLabOptions } from '../labs/read-lab-topology'
import { LABEL } from '../sandboxes/labels'
import { createHookRunner } from '../sandboxes/lab-hooks'
import { SandboxRegistry, type Logger } from '../sandboxes/sandbox-registry'
import { createTicketStore } from '../terminal/tickets'
import { connectTerminal } from '../terminal/test-support/terminal-client'
import { ensureTestShellImage } from '../../test-fixtures/test-images'
import { createRunnerServer, type RunnerServer } from './runner-server'
import { dockerEngine } from '../engine/docker-engine'

const labsDir = path.resolve(import.meta.dirname, '../../test-fixtures/labs')
const token = randomBytes(32).toString('hex')
const instance = `test-http-${randomBytes(4).toString('hex')}`
const quiet: Logger = { info: () => {}, warn: () => {}, error: () => {} }

async function startRunner(
  docker: Docker,
): Promise<{ runner: RunnerServer; registry: SandboxRegistry; base: string }> {
  const registry: SandboxRegistry = new SandboxRegistry({
    engine: dockerEngine(docker),
    catalog: loadLabDefinitions(labsDir, runnerLabOptions),
    labsDir,
    maxSandboxes: 2,
    instance,
    extraLabels: { 'academy.test': '1' },
    log: quiet,
    runHook: createHookRunner(docker, (id) => registry.scriptEnv(id)),
  })
  const runner = createRunnerServer({
    registry,
    tickets: createTicketStore(),
    serviceToken: token,
    publicOrigins: ['http://localhost:3000'],
    log: quiet,
    labErrors: 0,
  })
  await new Promise<void>((resolve) => runner.server.listen(0, '127.0.0.1', resolve))
  const { port } = runner.server.address() as AddressInfo
  return { runner, registry, base: `http://127.0.0.1:${port}` }
}

const docker = new Docker()
let live: Awaited<ReturnType<typeof startRunner>>
let dead: Awaited<ReturnType<typeof startRunner>>

async function call(base: string, method: string, url: string, body?: unknown, auth = `Bearer ${token}`) {
  const res = await fetch(base + url, {
    method,
    headers: { authorization: auth, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  return {
    status: res.status,
    json: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : text,
  }
}
const api = (method: string, url: string, body?: unknown, auth?: string) =>
  call(live.base, method, url, body, auth)

beforeAll(async () => {
  ensureTestShellImage()
  live = await startRunner(docker)
  dead = await startRunner(new Docker({ socketPath: '/nonexistent/docker.sock' }))
}, 300_000)

afterAll(async () => {
  await live.runner.close()
  await dead.runner.close()
  for (const sandbox of live.registry.list()) await live.registry.delete(sandbox.id)
  const filters = { label: [`${LABEL.runner}=${instance}`] }
  for (const c of await docker.listContainers({ all: true, filters }))
    await docker.getContainer(c.Id).remove({ force: true })
  for (const n of await docker.listNetworks({ filters })) await docker.getNetwork(n.Id).remove()
})

describe('runner REST API', () => {
  it('refuses calls without the right service token', async () => {
    expect(await api('GET', '/v1/sandboxes', undefined, '')).toMatchObject({
      status: 401,
      json: { error: { code: 'unauthorized' } },
    })
    expect((await api('GET', '/v1/sandboxes', undefined, `Bearer ${token.slice(1)}x`)).status).toBe(401)
    expect((await api('GET', '/v1/sandboxes')).status).toBe(200)
  })

  it('answers 404 for unknown sandboxes and routes, 405 for wrong methods', async () => {
    for (const [method, url] of [
      ['GET', '/v1/sandboxes/sbx-nope'],
      ['DELETE', '/v1/sandboxes/sbx-nope'],
      ['POST', '/v1/sandboxes/sbx-nope/extend'],
      ['POST', '/v1/sandboxes/sbx-nope/steps/hello/check'],
    ] as const) {
      expect(await api(method, url)).toMatchObject({ status: 404, json: { error: { code: 'not-found' } } })
    }
    expect((await api('GET', '/v1/nothing-here')).status).toBe(404)
    expect(await api('PATCH', '/v1/sandboxes')).toMatchObject({
      status: 405,
      json: { error: { code: 'method-not-allowed' } },
    })
  })

  it('reports validation errors with field paths', async () => {
    const bad = await api('POST', '/v1/sandboxes', { userId: '', seed: 'abc', colour: 'red' })
    expect(bad.status).toBe(400)
    expect(bad.json).toMatchObject({ error: { code: 'invalid-request' } })
    const paths = (bad.json as { error: { issues: Array<{ path: string }> } }).error.issues.map((i) => i.path)
    expect(paths).toEqual(expect.arrayContaining(['userId', 'labSlug', 'seed']))
    expect((await call(live.base, 'POST', '/v1/sandboxes', undefined)).status).toBe(400)
    expect(await api('POST', '/v1/sandboxes', { userId: 'u', labSlug: 'no-such-lab' })).toMatchObject({
      status: 404,
      json: { error: { code: 'unknown-lab' } },
    })
  })

  it('serves health without a token; metrics only with the token or on the separate listener', async () => {
    expect(await call(live.base, 'GET', '/healthz', undefined, '')).toMatchObject({
      status: 200,
      json: { engine: 'reachable' },
    })
    expect(await call(live.base, 'GET', '/metrics', undefined, '')).toMatchObject({
      status: 401,
      json: { error: { code: 'unauthorized' } },
    })
    expect((await call(live.base, 'GET', '/metrics', undefined, 'Bearer wrong')).status).toBe(401)
    const metrics = await call(live.base, 'GET', '/metrics')
    expect(metrics.status).toBe(200)
    await new Promise<void>((resolve) => live.runner.metricsServer.listen(0, '127.0.0.1', resolve))
    const metricsBase = `http://127.0.0.1:${(live.runner.metricsServer.address() as AddressInfo).port}`
    const separate = await call(metricsBase, 'GET', '/metrics', undefined, '')
    expect(separate.status).toBe(200)
    expect(separate.json).toContain('academy_runner_active_sandboxes')
    // That listener answers nothing else: no REST, no health, no terminals.
    expect((await call(metricsBase, 'GET', '/v1/sandboxes', undefined, `Bearer ${token}`)).status).toBe(404)
    for (const name of [
      'academy_runner_active_sandboxes',
      'academy_runner_provision_seconds',
      'academy_runner_check_seconds',
      'academy_runner_terminal_sessions',
      'academy_runner_queue_length',
    ]) {
      expect(metrics.json).toContain(name)
    }
    // Prometheus' own linter (Debian's prometheus package): no gauge may end in _total, etc.
    const lint = spawnSync('promtool', ['check', 'metrics'], {
      input: String(metrics.json),
      encoding: 'utf8',
    })
    expect(lint.error?.message, 'promtool is needed: apt-get install prometheus').toBeUndefined()
    expect(`${lint.stdout}${lint.stderr}`).toBe('')
    expect(lint.status).toBe(0)
  })

  it('a dead engine gives 503 engine-unavailable, not a crash', async () => {
    expect(await call(dead.base, 'GET', '/healthz', undefined, '')).toMatchObject({
      status: 503,
      json: { error: { code: 'engine-unavailable' } },
    })
    expect(await call(dead.base, 'POST', '/v1/sandboxes', { userId: 'u', labSlug: 'sample' })).toMatchObject({
      status: 503,
      json: { error: { code: 'engine-unavailable' } },
    })
  })

  it('runs a lab through REST: create, status, check, solve, tickets, faults, proxy, delete', async () => {
    const created = await api('POST', '/v1/sandboxes', { userId: 'rest-user', labSlug: 'sample' })
    expect(created).toMatchObject({ status: 200, json: { status: 'provisioning' } })
    const id = (created.json as { sandbox: { id: string } }).sandbox.id
    expect(await api('POST', `/v1/sandboxes/${id}/steps/hello/check`)).toMatchObject({
      status: 409,
      json: { error: { code: 'not-ready' } },
    })
    await live.registry.whenSettled(id)
    const status = await api('GET', `/v1/sandboxes/${id}`)
    expect(status.json).toMatchObject({
      sandbox: {
        state: 'ready',
        services: expect.arrayContaining([{ host: 'db', state: 'running', health: 'healthy' }]),
      },
    })
    expect(JSON.stringify(status.json)).not.toMatch(/PASSWORD|TOKEN/)

    // The setup hook ran (with the sandbox variables) before the sandbox was reported ready.
    const motd = await api('GET', `/v1/sandboxes/${id}/files?host=workstation&path=/etc/motd`)
    expect(motd).toMatchObject({
      status: 200,
      json: { content: expect.stringMatching(/^prepared for seed \d+\n$/) },
    })
    expect(
      (await api('PUT', `/v1/sandboxes/${id}/files?host=workstation&path=/etc/motd`, { content: 'edited\n' }))
        .status,
    ).toBe(200)
    expect((await api('GET', `/v1/sandboxes/${id}/files?host=workstation&path=/etc/passwd`)).status).toBe(403)

    const failing = await api('POST', `/v1/sandboxes/${id}/steps/hello/check`)
    expect(failing.json).toMatchObject({
      result: { passed: false, feedback: { fail: ['/tmp/hello does not contain hello'] } },
    })
    expect((await api('POST', `/v1/sandboxes/${id}/steps/hello/solve`)).json).toMatchObject({
      result: { passed: true },
    })
    expect((await api('POST', `/v1/sandboxes/${id}/steps/hello/check`)).json).toMatchObject({
      result: { passed: true },
    })
    expect((await api('POST', `/v1/sandboxes/${id}/steps/nope/check`)).status).toBe(404)

    expect(
      await api('POST', `/v1/sandboxes/${id}/tickets`, { userId: 'rest-user', host: 'db' }),
    ).toMatchObject({
      status: 403,
      json: { error: { code: 'host-not-allowed' } },
    })
    const ticket = await api('POST', `/v1/sandboxes/${id}/tickets`, {
      userId: 'rest-user',
      host: 'workstation',
      mode: 'rw',
    })
    expect(ticket).toMatchObject({ status: 201, json: { ticket: expect.any(String) } })
    // The ticket opens a terminal on this server (the terminal WebSocket handler, wired in here).
    const terminal = await connectTerminal(live.base, { ticket: (ticket.json as { ticket: string }).ticket })
    if (!terminal.ok) throw new Error(`terminal refused: ${terminal.status} ${terminal.body}`)
    terminal.client.type('echo rest-$((40+2))\r')
    await terminal.client.waitForText('rest-42', 15_000)
    expect(live.runner.terminal.stats().active).toBe(1)
    expect((await api('GET', `/v1/sandboxes/${id}`)).json).toMatchObject({ sandbox: { viewers: 0 } })

    // An instructor watching read-only shows up as a viewer in the status, and goes away on close.
    const watchTicket = await api('POST', `/v1/sandboxes/${id}/tickets`, {
      userId: 'rest-instructor',
      host: 'workstation',
      mode: 'ro',
    })
    const watcher = await connectTerminal(live.base, {
      ticket: (watchTicket.json as { ticket: string }).ticket,
    })
    if (!watcher.ok) throw new Error(`watch terminal refused: ${watcher.status} ${watcher.body}`)
    await watcher.client.waitForMessage('hello')
    expect((await api('GET', `/v1/sandboxes/${id}`)).json).toMatchObject({ sandbox: { viewers: 1 } })
    await watcher.client.close()
    const viewersAfterClose = async () =>
      ((await api('GET', `/v1/sandboxes/${id}`)).json as { sandbox: { viewers: number } }).sandbox.viewers
    for (let i = 0; i < 50 && (await viewersAfterClose()) !== 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 20))
    expect(await viewersAfterClose()).toBe(0)
    await terminal.client.close()

    // Faults: pause the database, see it in the status, bring it back.
    expect(await api('POST', `/v1/sandboxes/${id}/faults`, { action: 'pause', host: 'db' })).toMatchObject({
      status: 200,
      json: { result: { status: 'done', changed: true, state: 'paused' } },
    })
    expect((await api('GET', `/v1/sandboxes/${id}`)).json).toMatchObject({
      sandbox: {
        services: expect.arrayContaining([expect.objectContaining({ host: 'db', state: 'paused' })]),
      },
    })
    expect((await api('POST', `/v1/sandboxes/${id}/faults`, { action: 'unpause', host: 'db' })).status).toBe(
      200,
    )
    expect((await api('POST', `/v1/sandboxes/${id}/faults`, { action: 'explode', host: 'db' })).status).toBe(
      400,
    )

    // Service tabs: ticket → cookie → proxy (nothing listens on the port, so the upstream is unreachable).
    expect(
      (
        await api('POST', `/v1/sandboxes/${id}/proxy-tickets`, {
          userId: 'rest-user',
          host: 'db',
          port: 5432,
        })
      ).status,
    ).toBe(403)
    const proxyTicket = await api('POST', `/v1/sandboxes/${id}/proxy-tickets`, {
      userId: 'rest-user',
      host: 'workstation',
      port: 8080,
    })
    const { url, ticket: tabTicket } = proxyTicket.json as { url: string; ticket: string }
    expect((await fetch(`${live.base}/proxy/${id}/workstation/8080/`)).status).toBe(401)
    // Redeemed by a POST from the web app's page (its Origin), never by a link.
    const redeem = (origin: string) =>
      fetch(live.base + url, {
        method: 'POST',
        redirect: 'manual',
        headers: { origin, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ ticket: tabTicket, path: 'graph' }).toString(),
      })
    expect((await redeem('http://evil.example')).status).toBe(403)
    const redeemed = await redeem('http://localhost:3000')
    expect(redeemed.status).toBe(303)
    expect(redeemed.headers.get('location')).toBe(`/proxy/${id}/workstation/8080/graph`)
    const cookie = (redeemed.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
    expect(cookie).toMatch(/^academy_proxy=/)
    expect((await redeem('http://localhost:3000')).status).toBe(401) // single use
    const proxied = await fetch(`${live.base}/proxy/${id}/workstation/8080/graph`, { headers: { cookie } })
    expect(proxied.status).toBe(502)
    expect(await proxied.json()).toMatchObject({ error: { code: 'upstream-unreachable' } })
    expect((await fetch(`${live.base}/proxy/${id}/workstation/8081/`, { headers: { cookie } })).status).toBe(
      401,
    )

    expect((await api('POST', `/v1/sandboxes/${id}/extend`)).json).toMatchObject({
      sandbox: { extensionsUsed: 1 },
    })
    expect((await api('DELETE', `/v1/sandboxes/${id}`)).status).toBe(200)
    expect((await api('GET', `/v1/sandboxes/${id}`)).status).toBe(404)
  }, 60_000)
})

// The admin status page's data on real PostgreSQL and a real lab-runner server (whose engine is
// a socket that does not exist): errors of two web instances come from the database, the
// runner's from its own endpoint; learners are refused.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import Docker from 'dockerode'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadLabDefinitions } from '@/contracts/load-lab-definitions'
import { createRunnerServer, type RunnerServer } from '@/lab-runner/src/http/runner-server'
import { runnerLabOptions } from '@/lab-runner/src/labs/read-lab-topology'
import { createJsonLogger } from '@/lab-runner/src/log'
import { SandboxRegistry } from '@/lab-runner/src/sandboxes/sandbox-registry'
import { createTicketStore } from '@/lab-runner/src/terminal/tickets'
import { db } from '@/server/db'
import { createRunnerClient } from '@/server/labs/runner-client'
import { requestContext } from '@/server/log/log'
import type { CurrentUser } from '@/server/session/current-user'
import { assembleStatus } from './assemble-status'
import { recordError } from './record-error'
import { dockerEngine } from '../../lab-runner/src/engine/docker-engine'

const token = 'status-test-token-0123456789abcdef'
const labsDir = path.resolve(import.meta.dirname, '../../lab-runner/test-fixtures/labs')
const admin: CurrentUser = { id: 'u-admin', name: 'Admin', email: 'a@example.com', role: 'admin' }
const learner: CurrentUser = { ...admin, id: 'u-learner', role: 'learner' }
let runnerServer: RunnerServer
let runnerBase: string

beforeAll(async () => {
  const docker = new Docker({ socketPath: '/nonexistent/docker.sock' })
  const log = createJsonLogger(() => {})
  const registry = new SandboxRegistry({
    engine: dockerEngine(docker),
    catalog: loadLabDefinitions(labsDir, runnerLabOptions),
    labsDir,
    maxSandboxes: 3,
    instance: 'status-test',
    log,
    runHook: async () => ({ ok: true, message: '' }),
  })
  runnerServer = createRunnerServer({
    registry,
    tickets: createTicketStore(),
    serviceToken: token,
    publicOrigins: [],
    log,
    labErrors: 0,
    recentErrors: () => log.recentErrors(),
    version: '9.9.9',
  })
  await new Promise<void>((resolve) => runnerServer.server.listen(0, '127.0.0.1', resolve))
  runnerBase = `http://127.0.0.1:${(runnerServer.server.address() as AddressInfo).port}`
  log.error('sandbox provisioning failed', { sandboxId: 'sb-1', error: 'image missing' })
  await db().errorLogEntry.deleteMany()
})

afterAll(async () => {
  await runnerServer.close()
  await db().errorLogEntry.deleteMany()
})

describe('admin status', () => {
  it('assembles web, database, runner, engine, capacity and the errors of every instance', async () => {
    await requestContext().run({ requestId: 'req-web-1-0001' }, () =>
      recordError('request failed', { path: '/labs/x', error: 'boom', sessionToken: 'never shown' }),
    )
    // Another instance's error: only the database knows it.
    await db().errorLogEntry.create({
      data: { instance: 'web-2:4242', requestId: 'req-web-2-0001', message: 'request failed' },
    })

    const status = await assembleStatus({
      actor: admin,
      runner: createRunnerClient({ baseUrl: runnerBase, token }),
    })
    expect(status.web).toMatchObject({ pid: process.pid, version: expect.stringMatching(/^\d+\.\d+\.\d+/) })
    expect(status.database.reachable).toBe(true)
    if (status.database.reachable) expect(status.database.latencyMs).toBeGreaterThanOrEqual(0)
    expect(status.runner).toMatchObject({ reachable: true, version: '9.9.9', pid: process.pid })
    expect(status.engine).toBe('unreachable')
    expect(status.capacity).toEqual({ live: 0, starting: 0, queued: 0, max: 3 })

    const sources = status.recentErrors.map((e) => `${e.source} ${e.requestId ?? '-'} ${e.message}`)
    expect(sources).toEqual(
      expect.arrayContaining([
        'web req-web-1-0001 request failed',
        'web req-web-2-0001 request failed',
        'runner - sandbox provisioning failed',
      ]),
    )
    expect(status.recentErrors.map((e) => e.instance)).toContain('web-2:4242')
    expect(JSON.stringify(status)).not.toContain('never shown')
    // Newest first.
    const times = status.recentErrors.map((e) => e.at)
    expect([...times].sort().reverse()).toEqual(times)
  })

  it('says what is unreachable instead of failing', async () => {
    const closed = http.createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    closed.close()
    const status = await assembleStatus({
      actor: admin,
      runner: createRunnerClient({ baseUrl: `http://127.0.0.1:${port}`, token }),
    })
    expect(status.runner).toEqual({ reachable: false, message: 'The lab engine is not reachable.' })
    expect(status.engine).toBe('unknown')
    expect(status.capacity).toBeNull()
  })

  it('refuses anyone but an admin', async () => {
    const runner = createRunnerClient({ baseUrl: runnerBase, token })
    await expect(assembleStatus({ actor: learner, runner })).rejects.toMatchObject({ code: 'forbidden' })
    await expect(assembleStatus({ actor: { ...admin, role: 'instructor' }, runner })).rejects.toThrow(
      'Only admins can see the platform status.',
    )
  })
})

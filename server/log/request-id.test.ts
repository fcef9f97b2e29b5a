// One request's id in both processes' logs: the web app's request line, the runner call it
// makes and the runner's own request line (decision 027). Real sockets, the real runner server.
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
import { traceRequests } from '@/scripts/web-server'
import { createRunnerClient } from '@/server/labs/runner-client'
import { currentRequest } from './log'
import { dockerEngine } from '../../lab-runner/src/engine/docker-engine'

const token = 'request-id-test-token-0123456789abcdef'
const labsDir = path.resolve(import.meta.dirname, '../../lab-runner/test-fixtures/labs')
const runnerLines: Record<string, unknown>[] = []
const webLines: Record<string, unknown>[] = []
let runner: RunnerServer
let runnerBase: string
const servers: http.Server[] = []

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  servers.push(server)
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

/** A web app server whose one page asks the runner for its status, as the admin page does. */
async function webApp(trustedProxies: string[]): Promise<string> {
  const client = createRunnerClient({ baseUrl: runnerBase, token })
  const handle = async (_req: http.IncomingMessage, res: http.ServerResponse) => {
    // What getCurrentUser does once it has read the session.
    currentRequest()!.userId = 'u-admin'
    const status = await client.status()
    res.writeHead(status.ok ? 200 : 502, { 'content-type': 'application/json' }).end('{}')
  }
  return listen(http.createServer(traceRequests(trustedProxies, handle)))
}

beforeAll(async () => {
  const docker = new Docker({ socketPath: '/nonexistent/docker.sock' })
  const log = createJsonLogger((line) => runnerLines.push(JSON.parse(line) as Record<string, unknown>))
  const registry = new SandboxRegistry({
    engine: dockerEngine(docker),
    catalog: loadLabDefinitions(labsDir, runnerLabOptions),
    labsDir,
    maxSandboxes: 2,
    instance: 'request-id-test',
    log,
    runHook: async () => ({ ok: true, message: '' }),
  })
  runner = createRunnerServer({
    registry,
    tickets: createTicketStore(),
    serviceToken: token,
    publicOrigins: [],
    log,
    labErrors: 0,
  })
  runnerBase = await listen(runner.server)
  const write = process.stdout.write.bind(process.stdout)
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    const text = String(chunk)
    if (text.startsWith('{"time"')) webLines.push(JSON.parse(text) as Record<string, unknown>)
    return write(chunk, ...rest)
  }) as typeof process.stdout.write
  return () => {
    process.stdout.write = write
  }
})

afterAll(async () => {
  for (const server of servers) server.close()
  await runner.close()
})

const waitFor = async <T>(find: () => T | undefined): Promise<T> => {
  for (let i = 0; i < 50; i += 1) {
    const found = find()
    if (found) return found
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  throw new Error('no such log line')
}

describe('request ids', () => {
  it('a trusted proxy’s id is the id of the web request and of the runner call it makes', async () => {
    const web = await webApp(['127.0.0.1'])
    const res = await fetch(`${web}/admin/status?token=not-logged`, {
      headers: { 'x-request-id': 'haproxy-0123456789' },
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('x-request-id')).toBe('haproxy-0123456789')

    const webLine = await waitFor(() => webLines.find((l) => l.requestId === 'haproxy-0123456789'))
    expect(webLine).toMatchObject({ level: 'info', message: 'request', method: 'GET', path: '/admin/status' })
    expect(webLine).toMatchObject({ status: 200, userId: 'u-admin' })
    expect(typeof webLine.durationMs).toBe('number')
    expect(JSON.stringify(webLine)).not.toContain('not-logged')

    const runnerLine = await waitFor(() =>
      runnerLines.find((l) => l.requestId === 'haproxy-0123456789' && l.message === 'request'),
    )
    expect(runnerLine).toMatchObject({ method: 'GET', path: '/v1/status', status: 200 })
  })

  it('an id from an untrusted client is replaced; the runner still logs the web app’s id', async () => {
    const web = await webApp([])
    const res = await fetch(`${web}/`, { headers: { 'x-request-id': 'forged-0123456789' } })
    const id = res.headers.get('x-request-id')!
    expect(id).toMatch(/^[0-9a-f-]{36}$/)
    await waitFor(() => webLines.find((l) => l.requestId === id))
    await waitFor(() => runnerLines.find((l) => l.requestId === id && l.path === '/v1/status'))
    expect(runnerLines.some((l) => l.requestId === 'forged-0123456789')).toBe(false)
  })

  it('the runner ignores an id sent without its service token', async () => {
    const res = await fetch(`${runnerBase}/healthz`, { headers: { 'x-request-id': 'forged-0123456789' } })
    expect(res.headers.get('x-request-id')).not.toBe('forged-0123456789')
  })
})

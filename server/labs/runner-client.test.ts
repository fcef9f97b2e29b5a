// The runner client's typed failures, against real sockets on loopback: a runner that is not
// there, one without a token, one that answers with the runner's error shape.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRunnerClient } from './runner-client'

let server: Server
let base: string
let seenAuth: string | undefined

beforeAll(async () => {
  server = createServer((req, res) => {
    seenAuth = req.headers.authorization
    res.writeHead(req.url?.startsWith('/v1/sandboxes/gone') ? 404 : 409, {
      'content-type': 'application/json',
    })
    res.end(
      JSON.stringify({
        error: {
          code: req.url?.startsWith('/v1/sandboxes/gone') ? 'not-found' : 'not-ready',
          message: 'from the runner',
        },
      }),
    )
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

describe('createRunnerClient', () => {
  it('says engine-unavailable when nothing listens, without throwing', async () => {
    const probe = createServer()
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
    const port = (probe.address() as AddressInfo).port
    await new Promise<void>((resolve) => probe.close(() => resolve()))
    const client = createRunnerClient({ baseUrl: `http://127.0.0.1:${port}`, token: 'x'.repeat(32) })
    expect(await client.getSandbox('sbx-1')).toMatchObject({ ok: false, code: 'engine-unavailable' })
    expect(await client.health()).toMatchObject({ ok: false, code: 'engine-unavailable' })
  })

  it('says engine-unavailable without a configured token and sends no request', async () => {
    seenAuth = undefined
    const client = createRunnerClient({ baseUrl: base, token: undefined })
    expect(await client.createSandbox({ userId: 'u', labSlug: 'sample' })).toMatchObject({
      ok: false,
      code: 'engine-unavailable',
      message: expect.stringContaining('RUNNER_SERVICE_TOKEN'),
    })
    expect(seenAuth).toBeUndefined()
  })

  it('returns the runner error code and sends the service token', async () => {
    const client = createRunnerClient({ baseUrl: base, token: 't'.repeat(40) })
    expect(await client.getSandbox('gone')).toEqual({
      ok: false,
      code: 'not-found',
      message: 'from the runner',
      status: 404,
    })
    expect(await client.runStepScript('sbx-2', 'hello', 'check')).toMatchObject({
      ok: false,
      code: 'not-ready',
      status: 409,
    })
    expect(seenAuth).toBe(`Bearer ${'t'.repeat(40)}`)
  })
})

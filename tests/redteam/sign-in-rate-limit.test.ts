// Red team, issue 12 gap 1: the sign-in rate limit must key on the client's real address.
// A real HTTP server on loopback runs our request stamping (scripts/web-server.ts) in front of
// the real Better Auth handler with production rate limits (3 sign-ins per 10 s per address).
import { randomUUID } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { toNodeHandler } from 'better-auth/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getAuth } from '@/server/auth'
import { stampClientAddress } from '@/scripts/web-server'

async function serve(trustedProxies: string[]): Promise<{ url: string; close: () => Promise<void> }> {
  const stamp = stampClientAddress(trustedProxies)
  const handler = toNodeHandler(getAuth())
  const server = http.createServer((req, res) => {
    stamp(req)
    void handler(req, res)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

async function wrongPassword(url: string, headers: Record<string, string> = {}): Promise<number> {
  const res = await fetch(`${url}/api/auth/sign-in/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({
      email: `nobody-${randomUUID().slice(0, 8)}@example.test`,
      password: 'wrong-password-123',
    }),
  })
  await res.arrayBuffer()
  return res.status
}

describe('sign-in rate limit', () => {
  let direct: Awaited<ReturnType<typeof serve>>
  let behindProxy: Awaited<ReturnType<typeof serve>>

  beforeAll(async () => {
    // The test's connections come from 127.0.0.1: untrusted for one server, the proxy for the other.
    direct = await serve([])
    behindProxy = await serve(['127.0.0.1'])
  })
  afterAll(async () => {
    await direct.close()
    await behindProxy.close()
  })

  it('limits a client that forges a new X-Forwarded-For (or our own header) on every attempt', async () => {
    const statuses: number[] = []
    for (let i = 1; i <= 8; i++) {
      statuses.push(
        await wrongPassword(direct.url, {
          'x-forwarded-for': `203.0.113.${i}`,
          'x-academy-client-address': `198.51.100.${i}`,
        }),
      )
    }
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401])
    expect(statuses.slice(3)).toEqual([429, 429, 429, 429, 429])
  })

  it('limits a learner behind a trusted proxy by their own forwarded address, not the proxy', async () => {
    const learner = { 'x-forwarded-for': '192.0.2.10' }
    const statuses: number[] = []
    for (let i = 0; i < 5; i++) statuses.push(await wrongPassword(behindProxy.url, learner))
    expect(statuses).toEqual([401, 401, 401, 429, 429])
    // A client-written entry left of the proxy's does not buy a fresh bucket.
    expect(await wrongPassword(behindProxy.url, { 'x-forwarded-for': '203.0.113.99, 192.0.2.10' })).toBe(429)
    // Another learner behind the same proxy is not punished for the first one.
    expect(await wrongPassword(behindProxy.url, { 'x-forwarded-for': '192.0.2.11' })).toBe(401)
  })
})

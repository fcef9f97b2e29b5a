// Better Auth's sign-in rate limit is counted in the database, so two web app instances share
// it: a guesser gets no extra attempts by landing on the other instance. (Two Better Auth
// objects in one test process would also share Better Auth's in-memory store, so the test
// checks that the count itself is in the database, where another process reads it.)
import { randomUUID } from 'node:crypto'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { CLIENT_ADDRESS_HEADER } from '@/config/client-address'

afterEach(() => {
  vi.unstubAllEnvs()
  vi.resetModules()
})

/** A fresh Better Auth object, as a second web app process would have. */
async function freshInstance() {
  vi.resetModules()
  const { getAuth } = await import('./auth')
  return getAuth()
}

function wrongSignIn(ip: string) {
  return new Request('http://localhost:3000/api/auth/sign-in/email', {
    method: 'POST',
    // The client address as our own web server stamps it (scripts/web-server.ts).
    headers: { 'content-type': 'application/json', [CLIENT_ADDRESS_HEADER]: ip },
    body: JSON.stringify({
      email: `nobody-${randomUUID().slice(0, 6)}@example.test`,
      password: 'wrong-password-1',
    }),
  })
}

describe('sign-in rate limit across web app instances', () => {
  it('counts attempts on one instance against the other', async () => {
    vi.stubEnv('AUTH_RATE_LIMIT', 'on')
    // A documentation address (RFC 5737), new per run so earlier runs' counts do not matter.
    const ip = `203.0.113.${Math.floor(Math.random() * 250) + 1}`
    const { db } = await import('./db')
    await db().rateLimit.deleteMany({ where: { key: { contains: ip } } })

    const first = await freshInstance()
    const statuses: number[] = []
    for (let i = 0; i < 3; i += 1) statuses.push((await first.handler(wrongSignIn(ip))).status)
    expect(statuses).toEqual([401, 401, 401])
    const rows = await db().rateLimit.findMany({ where: { key: { contains: ip } }, select: { count: true } })
    expect(rows.reduce((sum, r) => sum + r.count, 0)).toBe(3)

    const second = await freshInstance()
    expect(second).not.toBe(first)
    const limited = await second.handler(wrongSignIn(ip))
    expect(limited.status).toBe(429)
  })
})

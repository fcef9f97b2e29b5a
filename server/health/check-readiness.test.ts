import { afterEach, describe, expect, it, vi } from 'vitest'

afterEach(() => {
  vi.unstubAllEnvs()
  vi.resetModules()
  delete (globalThis as { academyPrisma?: unknown }).academyPrisma
})

describe('checkReadiness', () => {
  it('is degraded, not unready, with the database migrated and the lab engine unreachable', async () => {
    // Nothing listens on loopback port 1.
    vi.stubEnv('RUNNER_URL', 'http://127.0.0.1:1')
    vi.resetModules()
    const { checkReadiness } = await import('./check-readiness')
    expect(await checkReadiness()).toEqual({
      status: 'degraded',
      database: { status: 'ok' },
      migrations: { status: 'ok' },
      runner: { status: 'down' },
    })
  })

  it('is not ready without the database', async () => {
    vi.stubEnv('RUNNER_URL', 'http://127.0.0.1:1')
    vi.stubEnv('DATABASE_URL', 'postgresql://academy:hunter2@127.0.0.1:1/academy')
    delete (globalThis as { academyPrisma?: unknown }).academyPrisma
    vi.resetModules()
    const { checkReadiness } = await import('./check-readiness')
    const readiness = await checkReadiness()
    expect(readiness.status).toBe('not-ready')
    expect(readiness.database.status).toBe('down')
  })
})

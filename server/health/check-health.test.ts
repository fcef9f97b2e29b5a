import { afterEach, describe, expect, it, vi } from 'vitest'

afterEach(() => {
  vi.unstubAllEnvs()
  vi.resetModules()
  delete (globalThis as { academyPrisma?: unknown }).academyPrisma
})

describe('checkHealth', () => {
  it('reports ok with the database reachable', async () => {
    const { checkHealth } = await import('./check-health')
    const health = await checkHealth()
    expect(health).toMatchObject({ status: 'ok', app: { status: 'ok' }, database: { status: 'ok' } })
  })

  it('reports the database down without leaking the connection string', async () => {
    // A closed port on loopback: nothing listens on port 1.
    vi.stubEnv('DATABASE_URL', 'postgresql://academy:hunter2@127.0.0.1:1/academy')
    delete (globalThis as { academyPrisma?: unknown }).academyPrisma
    vi.resetModules()
    const { checkHealth } = await import('./check-health')
    const health = await checkHealth()
    expect(health.status).toBe('degraded')
    expect(health.database.status).toBe('down')
    expect(JSON.stringify(health)).not.toContain('hunter2')
  })
})

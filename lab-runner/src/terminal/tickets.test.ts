import { describe, expect, it } from 'vitest'
import { createTicketStore, sanitizeTabName } from './tickets'

const request = { userId: 'u1', sandboxId: 's1', host: 'workstation', mode: 'rw' as const, tab: 'main' }

describe('ticket store', () => {
  it('mints 256-bit url-safe tickets that redeem exactly once', () => {
    const store = createTicketStore()
    const { ticket, expiresAt } = store.mint(request)
    expect(ticket).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(expiresAt.getTime()).toBeGreaterThan(Date.now())
    expect(store.redeem(ticket)).toEqual(request)
    expect(store.redeem(ticket)).toBeUndefined()
    expect(store.mint(request).ticket).not.toBe(ticket)
  })

  it('expires tickets after the ttl', () => {
    let now = 1_000_000
    const store = createTicketStore({ ttlMs: 30_000, now: () => now })
    const fresh = store.mint(request).ticket
    const stale = store.mint(request).ticket
    now += 29_999
    expect(store.redeem(fresh)).toBeDefined()
    now += 1
    expect(store.redeem(stale)).toBeUndefined()
    expect(store.size()).toBe(0)
  })

  it('keeps the grant fixed: the returned grant cannot be upgraded to rw', () => {
    const store = createTicketStore()
    const { ticket } = store.mint({ ...request, mode: 'ro' })
    const grant = store.redeem(ticket)
    expect(grant?.mode).toBe('ro')
    expect(() => {
      ;(grant as { mode: string }).mode = 'rw'
    }).toThrow(TypeError)
    // Anything that is not exactly "rw" is read-only.
    const odd = store.mint({ ...request, mode: 'RW' as unknown as 'rw' })
    expect(store.redeem(odd.ticket)?.mode).toBe('ro')
  })

  it('sanitizes tab names into tmux-safe session names', () => {
    expect(sanitizeTabName(undefined)).toBe('main')
    expect(sanitizeTabName('Logs: DB.1')).toBe('logs-db-1')
    expect(sanitizeTabName('$(reboot)')).toBe('reboot')
    expect(sanitizeTabName('::')).toBe('main')
    expect(sanitizeTabName('x'.repeat(40))).toHaveLength(32)
  })
})

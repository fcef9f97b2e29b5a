// The runner's sandbox status as the lab page receives it.
import { describe, expect, it } from 'vitest'
import type { SandboxStatus } from '@/contracts/runner-api'
import { diskStatus } from '@/lab-runner/src/sandboxes/disk-usage'
import { toSandboxView } from './sandbox-view'

const status = (overrides: Partial<SandboxStatus>): SandboxStatus => ({
  id: 'sb-1',
  ownerId: 'u-1',
  labSlug: 'ha-setup',
  state: 'ready',
  createdAt: '2026-12-03T09:00:00.000Z',
  expiresAt: '2026-12-03T11:00:00.000Z',
  idleExpiresAt: '2026-12-03T09:30:00.000Z',
  extensionsUsed: 0,
  extensionsLeft: 2,
  secondsLeft: 1800,
  idleSecondsLeft: 1800,
  labSecondsLeft: 7200,
  services: [{ host: 'lb', state: 'running', health: 'healthy' }],
  viewers: 0,
  ...overrides,
})

describe('toSandboxView', () => {
  it('passes the disk watchdog’s measurement through, and null before the first one', () => {
    const disk = diskStatus(900, 1000, ['lb'], new Date('2026-12-03T09:10:00Z'))
    expect(toSandboxView(status({ disk }), 1800).disk).toEqual(disk)
    expect(toSandboxView(status({}), 1800).disk).toBeNull()
  })

  it('marks a failed sandbox the runner removed after a restart as interrupted', () => {
    const view = toSandboxView(
      status({ state: 'failed', errorCode: 'interrupted', error: 'restarted' }),
      1800,
    )
    expect(view).toMatchObject({ state: 'failed', failure: 'interrupted', error: 'restarted' })
    const plain = toSandboxView(status({ state: 'failed', error: 'image missing' }), 1800)
    expect(plain.failure).toBeNull()
    // A code on a sandbox that is not failed means nothing to the page.
    expect(toSandboxView(status({ errorCode: 'interrupted' }), 1800).failure).toBeNull()
  })

  it('keeps the clocks and the lab’s idle timeout', () => {
    expect(toSandboxView(status({}), 1800)).toMatchObject({
      idleSecondsLeft: 1800,
      labSecondsLeft: 7200,
      idleTimeoutS: 1800,
      provisioning: null,
      error: null,
    })
  })
})

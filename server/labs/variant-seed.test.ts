import { describe, expect, it } from 'vitest'
import { createSandboxRequestSchema } from '@/contracts/runner-api'
import { variantSeedFor } from './variant-seed'

const secret = 'a-server-secret-of-at-least-32-characters!'

describe('per-learner variant seed', () => {
  it('is stable for one learner and lab, so End, Reset and restarts bring the same variant back', () => {
    expect(variantSeedFor(secret, 'user-a', 'ha-setup')).toBe(variantSeedFor(secret, 'user-a', 'ha-setup'))
  })

  it('differs between learners, labs and servers', () => {
    const seeds = new Set(
      ['user-a', 'user-b', 'user-c', 'user-d'].flatMap((user) =>
        ['ha-setup', 'dr-test', 'incident-simulation'].map((lab) => variantSeedFor(secret, user, lab)),
      ),
    )
    expect(seeds.size).toBe(12)
    expect(variantSeedFor(`${secret}-other`, 'user-a', 'ha-setup')).not.toBe(
      variantSeedFor(secret, 'user-a', 'ha-setup'),
    )
  })

  it('does not let a crafted id or slug collide with another pair', () => {
    expect(variantSeedFor(secret, 'user-a\nha', 'setup')).not.toBe(
      variantSeedFor(secret, 'user-a', 'ha\nsetup'),
    )
  })

  it('is a seed the runner accepts, in the range lab scripts expect', () => {
    for (let i = 0; i < 200; i++) {
      const seed = variantSeedFor(secret, `user-${i}`, 'dr-test')
      expect(createSandboxRequestSchema.safeParse({ userId: 'u', labSlug: 'dr-test', seed }).success).toBe(
        true,
      )
      expect(Number(seed)).toBeGreaterThanOrEqual(1)
      expect(Number(seed)).toBeLessThan(2 ** 31)
    }
  })
})

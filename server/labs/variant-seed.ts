import 'server-only'
// Per-learner lab variants (docs/decisions/021-per-learner-lab-variants.md): the seed of a lab
// with `variantSeed: true` is an HMAC of the learner and the lab under a server secret, so it
// is the same after End, Reset and restarts, differs between learners, and cannot be computed
// by a learner (who would otherwise pick a variant whose answers they already have).
import { createHmac } from 'node:crypto'
import { webConfig } from '@/server/config'

/** Domain separation: the auth secret also signs sessions, this key is only for seeds. */
const PURPOSE = 'helix-academy/lab-variant-seed/v1'

export function variantSeedFor(secret: string, userId: string, labSlug: string): string {
  const key = createHmac('sha256', secret).update(PURPOSE).digest()
  const digest = createHmac('sha256', key)
    .update(JSON.stringify([userId, labSlug]))
    .digest()
  // 1 .. 2^31-1, the range the runner's random seeds use (lab scripts do shell arithmetic on it).
  return String((digest.readUInt32BE(0) % (2 ** 31 - 1)) + 1)
}

/** The learner's seed for a lab, from the app's BETTER_AUTH_SECRET. */
export function learnerVariantSeed(userId: string, labSlug: string): string {
  return variantSeedFor(webConfig().BETTER_AUTH_SECRET, userId, labSlug)
}

import 'server-only'
// Creates the learner's sandbox through the runner (or finds the one already running) and
// records the LabSession. Queued requests must be repeated (polled) to keep their place.
import type { StartKind } from '@/contracts/runner-api'
import { db } from '@/server/db'
import { metrics } from '@/server/metrics/metrics'
import type { Role } from '@/server/session/current-user'
import { assertMayUseLabs, assertWithinLiveLabLimit } from './lab-access'
import { LIVE_STATUSES, requireLab } from './lab-session'
import { runner } from './runner'
import { runnerFailure } from './runner-failure'
import { learnerVariantSeed } from './variant-seed'
import { poolSessionFor } from '@/server/pools/pool-state'

/** `start`: from a warm pool, cold (no warm sandbox was free), or the learner's running one. */
export type StartLabOutcome =
  | { status: 'provisioning' | 'ready'; sandboxId: string; start: StartKind }
  | { status: 'queued'; position: number; estimatedWaitS: number; start: 'cold' }

export async function startLab(options: {
  user: { id: string; role: Role }
  labSlug: string
}): Promise<StartLabOutcome> {
  const { user, labSlug } = options
  const lab = await requireLab(labSlug)
  await assertMayUseLabs(user)
  await assertWithinLiveLabLimit(user, labSlug)
  // Labs with per-learner data get the learner's own seed, so End, Reset and a new sandbox
  // bring back the same variant, and another learner's answers do not fit it.
  const seed = lab.variantSeed ? learnerVariantSeed(user.id, labSlug) : undefined
  // In a scheduled session of one of the learner's cohorts, that session's warm pool comes first.
  const poolSession = await poolSessionFor({ userId: user.id, labSlug, now: new Date() })
  const result = await runner().createSandbox({
    userId: user.id,
    labSlug,
    ...(seed ? { seed } : {}),
    ...(poolSession ? { poolSession } : {}),
  })
  if (!result.ok) {
    metrics().sandboxStarts.inc({ outcome: 'failed' })
    throw await runnerFailure(result)
  }
  const created = result.value
  if (created.status === 'queued') {
    metrics().sandboxStarts.inc({ outcome: 'queued' })
    metrics().sandboxQueueWait.observe(created.estimatedWaitS)
    return {
      status: 'queued',
      position: created.position,
      estimatedWaitS: created.estimatedWaitS,
      start: 'cold',
    }
  }
  const sandbox = created.sandbox
  const sessions = db().labSession
  const existing = await sessions.findFirst({
    where: { userId: user.id, labSlug, sandboxId: sandbox.id },
    select: { id: true },
  })
  if (existing) {
    await sessions.update({
      where: { id: existing.id },
      data: { status: sandbox.state, expiresAt: new Date(sandbox.expiresAt), endedAt: null },
    })
  } else {
    // Any older live session of this lab belongs to a sandbox the runner no longer has.
    await sessions.updateMany({
      where: { userId: user.id, labSlug, status: { in: LIVE_STATUSES } },
      data: { status: 'expired', endedAt: new Date() },
    })
    await sessions.create({
      data: {
        userId: user.id,
        labSlug,
        sandboxId: sandbox.id,
        status: sandbox.state,
        startedAt: new Date(sandbox.createdAt),
        expiresAt: new Date(sandbox.expiresAt),
      },
      select: { id: true },
    })
  }
  const status = sandbox.state === 'ready' ? 'ready' : 'provisioning'
  metrics().sandboxStarts.inc({ outcome: status })
  return { status, sandboxId: sandbox.id, start: created.start ?? 'cold' }
}

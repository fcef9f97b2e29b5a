import 'server-only'
// Admin settings of the warm pools: the size per lab (stored here, pushed to the runner).
import type { PoolsStatus } from '@/contracts/runner-api'
import { recordAuditEvent } from '@/server/audit/record-audit-event'
import { db } from '@/server/db'
import { AppError } from '@/server/errors'
import { getLab, listLabs } from '@/server/labs/list-labs'
import { runner } from '@/server/labs/runner'
import type { CurrentUser } from '@/server/session/current-user'
import { pushPoolState } from './pool-state'

export const MAX_POOL_SIZE = 50

export async function setLabPoolSize(options: {
  actor: Pick<CurrentUser, 'id' | 'role'>
  labSlug: string
  size: number
  now: Date
}): Promise<PoolsStatus | null> {
  const { actor, labSlug, size, now } = options
  if (actor.role !== 'admin') throw new AppError('forbidden', 'Only admins set warm pool sizes.')
  if (!(await getLab(labSlug))) throw new AppError('invalid', `There is no lab "${labSlug}".`)
  if (!Number.isInteger(size) || size < 0 || size > MAX_POOL_SIZE)
    throw new AppError('invalid', `The pool size must be a whole number from 0 to ${MAX_POOL_SIZE}.`)
  await db().labPoolSetting.upsert({
    where: { labSlug },
    create: { labSlug, size, updatedById: actor.id },
    update: { size, updatedById: actor.id },
  })
  await recordAuditEvent({ actorId: actor.id, action: 'lab-pool.update', details: { labSlug, size } })
  const pushed = await pushPoolState({ now, client: runner() })
  return pushed.ok ? pushed.value : null
}

export interface PoolOverview {
  labs: Array<{ slug: string; title: string; setting: number | null }>
  /** What the runner holds (null: it does not answer). */
  runner: PoolsStatus | null
  runnerMessage?: string
}

export async function getPoolOverview(actor: Pick<CurrentUser, 'role'>): Promise<PoolOverview> {
  if (actor.role !== 'admin') throw new AppError('forbidden', 'Only admins see warm pools.')
  const [labs, settings, status] = await Promise.all([
    listLabs(),
    db().labPoolSetting.findMany({ select: { labSlug: true, size: true } }),
    runner().getPools(),
  ])
  return {
    labs: labs.map((l) => ({
      slug: l.slug,
      title: l.title,
      setting: settings.find((s) => s.labSlug === l.slug)?.size ?? null,
    })),
    runner: status.ok ? status.value : null,
    ...(status.ok ? {} : { runnerMessage: status.message }),
  }
}

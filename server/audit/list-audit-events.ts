import 'server-only'
import { db } from '@/server/db'
import { AppError } from '@/server/errors'
import type { CurrentUser } from '@/server/session/current-user'

export interface AuditRow {
  id: string
  createdAt: Date
  action: string
  actor: string | null
  target: string | null
  cohortId: string | null
  details: unknown
}

/**
 * The audit log, newest first. Admins see everything; an instructor sees the events of the
 * cohorts they teach and the events they caused themselves.
 */
export async function listAuditEvents({
  actor,
  cohortId,
  take = 200,
}: {
  actor: Pick<CurrentUser, 'id' | 'role'>
  cohortId?: string
  take?: number
}): Promise<AuditRow[]> {
  if (actor.role !== 'admin' && actor.role !== 'instructor')
    throw new AppError('forbidden', 'Only staff can read the audit log.')
  let where: object = cohortId ? { cohortId } : {}
  if (actor.role !== 'admin') {
    const taught = await db().cohortInstructor.findMany({
      where: { userId: actor.id },
      select: { cohortId: true },
    })
    const ids = taught.map((t) => t.cohortId)
    if (cohortId && !ids.includes(cohortId)) throw new AppError('forbidden', 'You do not teach this cohort.')
    where = cohortId ? { cohortId } : { OR: [{ cohortId: { in: ids } }, { actorId: actor.id }] }
  }
  const events = await db().auditEvent.findMany({
    where,
    orderBy: { createdAt: 'desc' },
    take: Math.min(Math.max(take, 1), 1000),
    select: {
      id: true,
      createdAt: true,
      action: true,
      actorId: true,
      targetUserId: true,
      cohortId: true,
      details: true,
    },
  })
  const userIds = [
    ...new Set(events.flatMap((e) => [e.actorId, e.targetUserId]).filter((id): id is string => id !== null)),
  ]
  const users = await db().user.findMany({
    where: { id: { in: userIds } },
    select: { id: true, name: true, email: true },
  })
  const label = new Map(users.map((u) => [u.id, `${u.name} <${u.email}>`]))
  return events.map((e) => ({
    id: e.id,
    createdAt: e.createdAt,
    action: e.action,
    actor: e.actorId ? (label.get(e.actorId) ?? e.actorId) : null,
    target: e.targetUserId ? (label.get(e.targetUserId) ?? e.targetUserId) : null,
    cohortId: e.cohortId,
    details: e.details,
  }))
}

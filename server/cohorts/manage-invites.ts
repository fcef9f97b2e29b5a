import 'server-only'
import { recordAuditEvent } from '@/server/audit/record-audit-event'
import { db } from '@/server/db'
import { AppError } from '@/server/errors'
import type { CurrentUser } from '@/server/session/current-user'
import { requireCohortInstructor } from './cohort-access'
import { newInviteCode } from './invite-code'

export interface InviteRow {
  id: string
  code: string
  createdAt: Date
  expiresAt: Date
  maxUses: number | null
  uses: number
  revokedAt: Date | null
  state: 'active' | 'expired' | 'revoked' | 'used-up'
}

export function inviteState(
  invite: { expiresAt: Date; revokedAt: Date | null; maxUses: number | null; uses: number },
  now: Date,
): InviteRow['state'] {
  if (invite.revokedAt) return 'revoked'
  if (invite.expiresAt <= now) return 'expired'
  if (invite.maxUses !== null && invite.uses >= invite.maxUses) return 'used-up'
  return 'active'
}

export async function createInvite({
  actor,
  cohortId,
  expiresInDays,
  maxUses,
}: {
  actor: CurrentUser
  cohortId: string
  expiresInDays: number
  maxUses?: number | null
}): Promise<{ id: string; code: string; expiresAt: Date }> {
  await requireCohortInstructor({ actor, cohortId })
  if (!Number.isFinite(expiresInDays) || expiresInDays <= 0 || expiresInDays > 365) {
    throw new AppError('invalid', 'An invite must expire within 1 to 365 days.')
  }
  if (maxUses != null && (!Number.isInteger(maxUses) || maxUses < 1 || maxUses > 10_000)) {
    throw new AppError(
      'invalid',
      'Maximum uses must be a whole number from 1 to 10000, or empty for no limit.',
    )
  }
  const expiresAt = new Date(Date.now() + expiresInDays * 24 * 3600 * 1000)
  const invite = await db().cohortInvite.create({
    data: { cohortId, code: newInviteCode(), createdById: actor.id, expiresAt, maxUses: maxUses ?? null },
    select: { id: true, code: true, expiresAt: true },
  })
  await recordAuditEvent({
    actorId: actor.id,
    action: 'cohort.invite.create',
    cohortId,
    details: { inviteId: invite.id, expiresAt: expiresAt.toISOString(), maxUses: maxUses ?? null },
  })
  return invite
}

export async function revokeInvite({
  actor,
  inviteId,
}: {
  actor: CurrentUser
  inviteId: string
}): Promise<void> {
  const invite = await db().cohortInvite.findUnique({ where: { id: inviteId }, select: { cohortId: true } })
  if (!invite) throw new AppError('not-found', 'That invite does not exist.')
  await requireCohortInstructor({ actor, cohortId: invite.cohortId })
  await db().cohortInvite.update({
    where: { id: inviteId },
    data: { revokedAt: new Date() },
    select: { id: true },
  })
  await recordAuditEvent({
    actorId: actor.id,
    action: 'cohort.invite.revoke',
    cohortId: invite.cohortId,
    details: { inviteId },
  })
}

export async function listInvites({
  actor,
  cohortId,
}: {
  actor: CurrentUser
  cohortId: string
}): Promise<InviteRow[]> {
  await requireCohortInstructor({ actor, cohortId })
  const now = new Date()
  const rows = await db().cohortInvite.findMany({
    where: { cohortId },
    orderBy: { createdAt: 'desc' },
    select: {
      id: true,
      code: true,
      createdAt: true,
      expiresAt: true,
      maxUses: true,
      uses: true,
      revokedAt: true,
    },
  })
  return rows.map((r) => ({ ...r, state: inviteState(r, now) }))
}

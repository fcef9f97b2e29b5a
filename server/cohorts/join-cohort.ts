import 'server-only'
import { recordAuditEvent } from '@/server/audit/record-audit-event'
import { db } from '@/server/db'
import type { CurrentUser } from '@/server/session/current-user'
import { normalizeInviteCode } from './invite-code'
import { inviteState } from './manage-invites'

export type JoinResult =
  | { status: 'joined' | 'already-member'; cohortId: string; cohortName: string; courseSlug: string }
  | { status: 'not-found' | 'expired' | 'revoked' | 'used-up' | 'archived' }

export interface InvitePreview {
  status: 'active' | 'expired' | 'revoked' | 'used-up' | 'archived' | 'not-found'
  cohortName?: string
  courseSlug?: string
  expiresAt?: Date
}

/** What an invite link leads to, before joining (shown on the join page). */
export async function previewInvite({ code }: { code: string }): Promise<InvitePreview> {
  const invite = await db().cohortInvite.findUnique({
    where: { code: normalizeInviteCode(code) },
    select: {
      expiresAt: true,
      revokedAt: true,
      maxUses: true,
      uses: true,
      cohort: { select: { name: true, courseSlug: true, archivedAt: true } },
    },
  })
  if (!invite) return { status: 'not-found' }
  const state = invite.cohort.archivedAt ? 'archived' : inviteState(invite, new Date())
  return {
    status: state,
    cohortName: invite.cohort.name,
    courseSlug: invite.cohort.courseSlug,
    expiresAt: invite.expiresAt,
  }
}

/**
 * Joins the invite's cohort. Expected refusals are results. The use count is taken with a
 * conditional update, so two learners racing for the last use cannot both get in.
 * Re-joining after removal restores membership (an instructor can remove again).
 */
export async function joinCohort({
  user,
  code,
}: {
  user: Pick<CurrentUser, 'id'>
  code: string
}): Promise<JoinResult> {
  return db().$transaction(async (tx) => {
    const invite = await tx.cohortInvite.findUnique({
      where: { code: normalizeInviteCode(code) },
      select: {
        id: true,
        cohortId: true,
        expiresAt: true,
        revokedAt: true,
        maxUses: true,
        uses: true,
        cohort: { select: { name: true, courseSlug: true, archivedAt: true } },
      },
    })
    if (!invite) return { status: 'not-found' }
    if (invite.cohort.archivedAt) return { status: 'archived' }
    const cohort = {
      cohortId: invite.cohortId,
      cohortName: invite.cohort.name,
      courseSlug: invite.cohort.courseSlug,
    }
    const existing = await tx.cohortMember.findUnique({
      where: { cohortId_userId: { cohortId: invite.cohortId, userId: user.id } },
      select: { removedAt: true },
    })
    if (existing && existing.removedAt === null) return { status: 'already-member', ...cohort }
    const state = inviteState(invite, new Date())
    if (state !== 'active') return { status: state }
    const taken = await tx.cohortInvite.updateMany({
      where: {
        id: invite.id,
        revokedAt: null,
        expiresAt: { gt: new Date() },
        ...(invite.maxUses === null ? {} : { uses: { lt: invite.maxUses } }),
      },
      data: { uses: { increment: 1 } },
    })
    if (taken.count === 0) return { status: 'used-up' }
    await tx.cohortMember.upsert({
      where: { cohortId_userId: { cohortId: invite.cohortId, userId: user.id } },
      create: { cohortId: invite.cohortId, userId: user.id },
      update: { removedAt: null, joinedAt: new Date() },
      select: { userId: true },
    })
    await recordAuditEvent(
      {
        actorId: user.id,
        action: 'cohort.member.join',
        targetUserId: user.id,
        cohortId: invite.cohortId,
        details: { inviteId: invite.id },
      },
      tx,
    )
    return { status: 'joined', ...cohort }
  })
}

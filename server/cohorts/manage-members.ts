import 'server-only'
import { recordAuditEvent } from '@/server/audit/record-audit-event'
import { db } from '@/server/db'
import { AppError } from '@/server/errors'
import type { CurrentUser } from '@/server/session/current-user'
import { requireCohortInstructor } from './cohort-access'

export interface MemberRow {
  userId: string
  name: string
  email: string
  joinedAt: Date
}

/** Active members of a cohort, by name. */
export async function listMembers({
  actor,
  cohortId,
}: {
  actor: CurrentUser
  cohortId: string
}): Promise<MemberRow[]> {
  await requireCohortInstructor({ actor, cohortId })
  const rows = await db().cohortMember.findMany({
    where: { cohortId, removedAt: null },
    orderBy: { user: { name: 'asc' } },
    select: { joinedAt: true, user: { select: { id: true, name: true, email: true } } },
  })
  return rows.map((r) => ({
    userId: r.user.id,
    name: r.user.name,
    email: r.user.email,
    joinedAt: r.joinedAt,
  }))
}

/** Removes a learner from one cohort. Their progress stays (it belongs to them, not the cohort). */
export async function removeMember({
  actor,
  cohortId,
  userId,
}: {
  actor: CurrentUser
  cohortId: string
  userId: string
}): Promise<void> {
  await requireCohortInstructor({ actor, cohortId })
  const updated = await db().cohortMember.updateMany({
    where: { cohortId, userId, removedAt: null },
    data: { removedAt: new Date() },
  })
  if (updated.count === 0) throw new AppError('not-found', 'That learner is not in this cohort.')
  await recordAuditEvent({
    actorId: actor.id,
    action: 'cohort.member.remove',
    cohortId,
    targetUserId: userId,
  })
}

export interface InstructorRow {
  userId: string
  name: string
  email: string
}

export async function listCohortInstructors({
  actor,
  cohortId,
}: {
  actor: CurrentUser
  cohortId: string
}): Promise<InstructorRow[]> {
  await requireCohortInstructor({ actor, cohortId })
  const rows = await db().cohortInstructor.findMany({
    where: { cohortId },
    orderBy: { addedAt: 'asc' },
    select: { user: { select: { id: true, name: true, email: true } } },
  })
  return rows.map((r) => ({ userId: r.user.id, name: r.user.name, email: r.user.email }))
}

/** Admins assign instructors (by email) to a cohort; the account must hold the instructor or admin role. */
export async function addCohortInstructor({
  actor,
  cohortId,
  email,
}: {
  actor: CurrentUser
  cohortId: string
  email: string
}): Promise<void> {
  if (actor.role !== 'admin') throw new AppError('forbidden', 'Only admins assign instructors to cohorts.')
  await requireCohortInstructor({ actor, cohortId })
  const user = await db().user.findUnique({
    where: { email: email.trim().toLowerCase() },
    select: { id: true, role: true },
  })
  if (!user) throw new AppError('not-found', `No account uses ${email}. Ask them to sign up first.`)
  if (user.role === 'learner') {
    throw new AppError(
      'invalid',
      `${email} is a learner. Give the account the instructor role on the Accounts page first.`,
    )
  }
  await db().cohortInstructor.upsert({
    where: { cohortId_userId: { cohortId, userId: user.id } },
    create: { cohortId, userId: user.id },
    update: {},
    select: { userId: true },
  })
  await recordAuditEvent({
    actorId: actor.id,
    action: 'cohort.instructor.add',
    cohortId,
    targetUserId: user.id,
  })
}

import 'server-only'
import { db } from '@/server/db'
import { AppError } from '@/server/errors'
import type { CurrentUser } from '@/server/session/current-user'

export interface CohortSummary {
  id: string
  name: string
  courseSlug: string
  createdAt: Date
  archivedAt: Date | null
}

const cohortSelect = { id: true, name: true, courseSlug: true, createdAt: true, archivedAt: true } as const

export function isStaff(actor: Pick<CurrentUser, 'role'>): boolean {
  return actor.role === 'instructor' || actor.role === 'admin'
}

export function assertStaff(actor: Pick<CurrentUser, 'role'>): void {
  if (!isStaff(actor)) throw new AppError('forbidden', 'Only instructors and admins can do this.')
}

/**
 * The cohort, if `actor` teaches it (admins see every cohort). Everything an instructor reads
 * or changes about a cohort goes through here, so "instructor of A cannot see B" holds in one place.
 * A cohort the actor may not see answers not-found when it does not exist and forbidden otherwise.
 */
export async function requireCohortInstructor({
  actor,
  cohortId,
}: {
  actor: Pick<CurrentUser, 'id' | 'role'>
  cohortId: string
}): Promise<CohortSummary> {
  assertStaff(actor)
  const cohort = await db().cohort.findUnique({
    where: { id: cohortId },
    select: { ...cohortSelect, instructors: { where: { userId: actor.id }, select: { userId: true } } },
  })
  if (!cohort) throw new AppError('not-found', 'That cohort does not exist.')
  if (actor.role !== 'admin' && cohort.instructors.length === 0) {
    throw new AppError('forbidden', 'You do not teach this cohort. Ask one of its instructors or an admin to add you.')
  }
  const { instructors: _instructors, ...summary } = cohort
  return summary
}

/**
 * Ids of the cohorts where `actor` may see `learnerId` (an active member of a cohort the actor
 * teaches; every cohort for admins). Empty means the actor may not see this learner at all.
 */
export async function cohortsSharedWithLearner({
  actor,
  learnerId,
}: {
  actor: Pick<CurrentUser, 'id' | 'role'>
  learnerId: string
}): Promise<string[]> {
  if (!isStaff(actor)) return []
  const rows = await db().cohortMember.findMany({
    where: {
      userId: learnerId,
      removedAt: null,
      ...(actor.role === 'admin' ? {} : { cohort: { instructors: { some: { userId: actor.id } } } }),
    },
    select: { cohortId: true },
  })
  return rows.map((r) => r.cohortId)
}

/** Throws unless `actor` teaches a cohort `learnerId` is in (admins always may). */
export async function requireLearnerVisible({
  actor,
  learnerId,
}: {
  actor: Pick<CurrentUser, 'id' | 'role'>
  learnerId: string
}): Promise<string[]> {
  assertStaff(actor)
  const shared = await cohortsSharedWithLearner({ actor, learnerId })
  if (shared.length === 0 && actor.role !== 'admin') {
    throw new AppError('forbidden', 'This learner is not in any cohort you teach.')
  }
  return shared
}

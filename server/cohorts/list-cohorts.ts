import 'server-only'
import { db } from '@/server/db'
import type { CurrentUser } from '@/server/session/current-user'
import { assertStaff } from './cohort-access'

export interface TaughtCohort {
  id: string
  name: string
  courseSlug: string
  createdAt: Date
  archivedAt: Date | null
  learners: number
  instructors: string[]
}

/** The cohorts `actor` teaches (every cohort for admins), newest first, with learner counts. */
export async function listTaughtCohorts({ actor }: { actor: CurrentUser }): Promise<TaughtCohort[]> {
  assertStaff(actor)
  const cohorts = await db().cohort.findMany({
    where: actor.role === 'admin' ? {} : { instructors: { some: { userId: actor.id } } },
    orderBy: { createdAt: 'desc' },
    select: {
      id: true,
      name: true,
      courseSlug: true,
      createdAt: true,
      archivedAt: true,
      instructors: { select: { user: { select: { name: true } } } },
      _count: { select: { members: { where: { removedAt: null } } } },
    },
  })
  return cohorts.map((c) => ({
    id: c.id,
    name: c.name,
    courseSlug: c.courseSlug,
    createdAt: c.createdAt,
    archivedAt: c.archivedAt,
    learners: c._count.members,
    instructors: c.instructors.map((i) => i.user.name),
  }))
}

export interface JoinedCohort {
  id: string
  name: string
  courseSlug: string
  joinedAt: Date
}

/** The cohorts a learner belongs to (for their own dashboard: no other learners shown). */
export async function listJoinedCohorts({
  user,
}: {
  user: Pick<CurrentUser, 'id'>
}): Promise<JoinedCohort[]> {
  const rows = await db().cohortMember.findMany({
    where: { userId: user.id, removedAt: null },
    orderBy: { joinedAt: 'desc' },
    select: { joinedAt: true, cohort: { select: { id: true, name: true, courseSlug: true } } },
  })
  return rows.map((r) => ({ ...r.cohort, joinedAt: r.joinedAt }))
}

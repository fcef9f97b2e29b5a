import 'server-only'
import { listCourses } from '@/server/content/catalog'
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
    throw new AppError(
      'forbidden',
      'You do not teach this cohort. Ask one of its instructors or an admin to add you.',
    )
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

export interface LearnerScope {
  /** Cohorts the actor shares with the learner. */
  cohortIds: string[]
  /** Admins see everything; instructors only what belongs to these courses. */
  all: boolean
  courseSlugs: string[]
  /** Whether a lab belongs to one of `courseSlugs` (see labBelongsToCourses). */
  includesLab: (labSlug: string) => boolean
}

/**
 * What `actor` may see of `learnerId`: only the courses of the cohorts they share, and only the
 * labs of those courses (an instructor of one cohort does not see the learner's other courses).
 * A lab belongs to a course when one of its lessons links it; a lab no course links belongs to
 * every course (it is graded in each, as the gradebook does).
 */
export async function requireLearnerScope({
  actor,
  learnerId,
}: {
  actor: Pick<CurrentUser, 'id' | 'role'>
  learnerId: string
}): Promise<LearnerScope> {
  const cohortIds = await requireLearnerVisible({ actor, learnerId })
  const cohorts = await db().cohort.findMany({
    where: { id: { in: cohortIds } },
    select: { courseSlug: true },
  })
  const courseSlugs = [...new Set(cohorts.map((c) => c.courseSlug))]
  const all = actor.role === 'admin'
  const belongs = await labsOfCourses(courseSlugs)
  return { cohortIds, all, courseSlugs, includesLab: (labSlug) => all || belongs(labSlug) }
}

export async function labsOfCourses(courseSlugs: readonly string[]): Promise<(labSlug: string) => boolean> {
  const courses = await listCourses()
  const linkedBy = new Map<string, Set<string>>()
  for (const course of courses) {
    for (const lesson of course.lessons) {
      for (const lab of lesson.labs) linkedBy.set(lab, (linkedBy.get(lab) ?? new Set()).add(course.slug))
    }
  }
  return (labSlug) => {
    const owners = linkedBy.get(labSlug)
    return owners === undefined || courseSlugs.some((slug) => owners.has(slug))
  }
}

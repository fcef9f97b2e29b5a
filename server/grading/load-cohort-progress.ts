import 'server-only'
import { getCourse } from '@/server/content/catalog'
import { db } from '@/server/db'
import { AppError } from '@/server/errors'
import type { CurrentUser } from '@/server/session/current-user'
import { requireCohortInstructor, type CohortSummary } from '@/server/cohorts/cohort-access'
import { computeGrade, type LearnerGrade, type PolicyWeights } from './compute-grade'
import { listCourseItems, type CourseItem } from './course-items'
import { emptyProgress, fetchProgress } from './fetch-progress'
import { getGradingPolicy } from './grading-policy'
import { getGradedLabs, type GradedLabs } from './graded-labs'

export interface LearnerProgressRow extends LearnerGrade {
  userId: string
  name: string
  email: string
  joinedAt: Date
  lastActivityAt: Date | null
}

export interface CohortProgress {
  cohort: CohortSummary
  courseTitle: string
  items: CourseItem[]
  policy: PolicyWeights
  learners: LearnerProgressRow[]
  labProblems: string[]
}

/**
 * Every active learner of a cohort graded against every course item. A fixed handful of
 * queries for the whole cohort (members, lessons, quiz attempts, lab steps, overrides,
 * policy), never one per learner: the matrix, gradebook, CSV and JSON API all read this.
 */
export async function loadCohortProgress({
  actor,
  cohortId,
  labCatalog,
}: {
  actor: Pick<CurrentUser, 'id' | 'role'>
  cohortId: string
  /** The installed labs by default; tests and the benchmark pass their own. */
  labCatalog?: GradedLabs
}): Promise<CohortProgress> {
  const cohort = await requireCohortInstructor({ actor, cohortId })
  const [course, catalog, policy] = await Promise.all([
    getCourse(cohort.courseSlug),
    labCatalog ?? getGradedLabs(),
    getGradingPolicy({ courseSlug: cohort.courseSlug, cohortId: cohort.id }),
  ])
  if (!course)
    throw new AppError(
      'not-found',
      `The course "${cohort.courseSlug}" of this cohort is no longer installed.`,
    )
  const items = listCourseItems(course, catalog.labs)
  const [members, fetched] = await Promise.all([
    db().cohortMember.findMany({
      where: { cohortId, removedAt: null },
      select: { joinedAt: true, user: { select: { id: true, name: true, email: true } } },
    }),
    // Membership is filtered in SQL, so the query plan is the same for 5 or 5,000 learners.
    fetchProgress({
      users: { cohortsJoined: { some: { cohortId, removedAt: null } } },
      courseSlug: course.slug,
      labSlugs: catalog.labs.map((l) => l.slug),
    }),
  ])
  const learners = members.map(({ user, joinedAt }): LearnerProgressRow => {
    const entry = fetched.get(user.id)
    return {
      userId: user.id,
      name: user.name,
      email: user.email,
      joinedAt,
      lastActivityAt: entry?.lastActivityAt ?? null,
      ...computeGrade(items, entry?.progress ?? emptyProgress(), policy),
    }
  })
  learners.sort((a, b) => a.name.localeCompare(b.name) || a.email.localeCompare(b.email))
  return { cohort, courseTitle: course.title, items, policy, learners, labProblems: catalog.problems }
}

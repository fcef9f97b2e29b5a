import 'server-only'
import { requireLearnerVisible } from '@/server/cohorts/cohort-access'
import { getCourse } from '@/server/content/catalog'
import { AppError } from '@/server/errors'
import type { CurrentUser } from '@/server/session/current-user'
import { computeGrade, type LearnerGrade, type PolicyWeights } from './compute-grade'
import { listCourseItems, type CourseItem } from './course-items'
import { emptyProgress, fetchProgress } from './fetch-progress'
import { getGradingPolicy, learnerCohortFor } from './grading-policy'
import { getGradedLabs } from './graded-labs'

export interface LearnerCourseGrade extends LearnerGrade {
  courseSlug: string
  courseTitle: string
  items: CourseItem[]
  policy: PolicyWeights
  lastActivityAt: Date | null
}

/** One learner's grade in one course: for themselves, or for an instructor of one of their cohorts. */
export async function loadLearnerGrade({
  actor,
  userId,
  courseSlug,
}: {
  actor: Pick<CurrentUser, 'id' | 'role'>
  userId: string
  courseSlug: string
}): Promise<LearnerCourseGrade> {
  if (actor.id !== userId) await requireLearnerVisible({ actor, learnerId: userId })
  // The learner's own cohort's weights grade them, whoever looks.
  const cohortId = await learnerCohortFor({ userId, courseSlug })
  const [course, catalog, policy] = await Promise.all([
    getCourse(courseSlug),
    getGradedLabs(),
    getGradingPolicy({ courseSlug, cohortId }),
  ])
  if (!course) throw new AppError('not-found', `There is no course "${courseSlug}".`)
  const items = listCourseItems(course, catalog.labs)
  const fetched = (
    await fetchProgress({ users: { id: userId }, courseSlug, labSlugs: catalog.labs.map((l) => l.slug) })
  ).get(userId)
  return {
    courseSlug,
    courseTitle: course.title,
    items,
    policy,
    lastActivityAt: fetched?.lastActivityAt ?? null,
    ...computeGrade(items, fetched?.progress ?? emptyProgress(), policy),
  }
}

import 'server-only'
import { getCourse } from '@/server/content/catalog'
import { db } from '@/server/db'
import type { QuizPolicy } from './types'

/** Used when a course names no policy of its own (the frontmatter default repeats it). */
export const defaultQuizPolicy = { maxAttempts: 3, cooldownMinutes: 60 } as const

/**
 * The attempt policy for one learner in one course: the course's own (course.mdx `quizPolicy`),
 * unless a cohort of that course the learner actively belongs to has an instructor override.
 * In several such cohorts the most generous override applies (most attempts, then shortest
 * cool-down): being in two cohorts must not make a learner worse off.
 */
export async function resolveQuizPolicy({
  userId,
  courseSlug,
}: {
  userId: string
  courseSlug: string
}): Promise<QuizPolicy> {
  const course = await getCourse(courseSlug)
  const base = course?.quizPolicy ?? defaultQuizPolicy
  const overrides = await db().cohortQuizPolicy.findMany({
    where: {
      cohort: { courseSlug, archivedAt: null, members: { some: { userId, removedAt: null } } },
    },
    select: { cohortId: true, maxAttempts: true, cooldownMinutes: true, cohort: { select: { name: true } } },
  })
  const best = overrides.sort(
    (a, b) => b.maxAttempts - a.maxAttempts || a.cooldownMinutes - b.cooldownMinutes,
  )[0]
  if (!best)
    return {
      maxAttempts: base.maxAttempts,
      cooldownMinutes: base.cooldownMinutes,
      source: { kind: 'course' },
    }
  return {
    maxAttempts: best.maxAttempts,
    cooldownMinutes: best.cooldownMinutes,
    source: { kind: 'cohort', cohortId: best.cohortId, cohortName: best.cohort.name },
  }
}

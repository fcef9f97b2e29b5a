import 'server-only'
import { recordAuditEvent } from '@/server/audit/record-audit-event'
import { getCourse } from '@/server/content/catalog'
import { db } from '@/server/db'
import { AppError } from '@/server/errors'
import type { CurrentUser } from '@/server/session/current-user'
import { assertStaff } from '@/server/cohorts/cohort-access'
import { DEFAULT_POLICY, type PolicyWeights } from './compute-grade'

export interface GradingPolicyView extends PolicyWeights {
  courseSlug: string
  updatedAt: Date | null
}

/** The course's policy, or the defaults when nobody has set one. */
export async function getGradingPolicy({ courseSlug }: { courseSlug: string }): Promise<GradingPolicyView> {
  const row = await db().gradingPolicy.findUnique({
    where: { courseSlug },
    select: { lessonWeight: true, quizWeight: true, labWeight: true, partialCredit: true, updatedAt: true },
  })
  return row ? { courseSlug, ...row } : { courseSlug, ...DEFAULT_POLICY, updatedAt: null }
}

/**
 * Sets a course's weights. Any instructor who teaches a cohort of the course may change them
 * (the policy is per course, so it applies to every cohort of it); admins always may.
 */
export async function setGradingPolicy({
  actor,
  courseSlug,
  policy,
}: {
  actor: CurrentUser
  courseSlug: string
  policy: PolicyWeights
}): Promise<void> {
  assertStaff(actor)
  if (!(await getCourse(courseSlug))) throw new AppError('not-found', `There is no course "${courseSlug}".`)
  if (actor.role !== 'admin') {
    const teaches = await db().cohortInstructor.count({ where: { userId: actor.id, cohort: { courseSlug } } })
    if (teaches === 0) throw new AppError('forbidden', 'Only instructors of a cohort of this course can change its grading policy.')
  }
  const weights = [policy.lessonWeight, policy.quizWeight, policy.labWeight]
  if (weights.some((w) => !Number.isInteger(w) || w < 0 || w > 100)) {
    throw new AppError('invalid', 'Each weight must be a whole number from 0 to 100.')
  }
  const sum = weights.reduce((a, b) => a + b, 0)
  if (sum !== 100) throw new AppError('invalid', `The weights must add up to 100 (they add up to ${sum}).`)
  const before = await getGradingPolicy({ courseSlug })
  const { lessonWeight, quizWeight, labWeight, partialCredit } = policy
  const data = { lessonWeight, quizWeight, labWeight, partialCredit, updatedById: actor.id }
  await db().gradingPolicy.upsert({
    where: { courseSlug },
    create: { courseSlug, ...data },
    update: data,
    select: { courseSlug: true },
  })
  await recordAuditEvent({
    actorId: actor.id,
    action: 'grading-policy.update',
    details: {
      courseSlug,
      before: { lessonWeight: before.lessonWeight, quizWeight: before.quizWeight, labWeight: before.labWeight, partialCredit: before.partialCredit },
      after: { lessonWeight, quizWeight, labWeight, partialCredit },
    },
  })
}

import 'server-only'
import { recordAuditEvent } from '@/server/audit/record-audit-event'
import { db } from '@/server/db'
import { AppError } from '@/server/errors'
import type { CurrentUser } from '@/server/session/current-user'
import { assertStaff, requireCohortInstructor } from '@/server/cohorts/cohort-access'
import { DEFAULT_POLICY, type PolicyWeights } from './compute-grade'

export interface GradingPolicyView extends PolicyWeights {
  courseSlug: string
  /** The cohort whose own weights these are; null when the course's (or default) weights apply. */
  cohortId: string | null
  updatedAt: Date | null
}

const weightsSelect = {
  lessonWeight: true,
  quizWeight: true,
  labWeight: true,
  partialCredit: true,
  updatedAt: true,
} as const

/**
 * The weights that grade a cohort: its own when its instructors set them, else the course's
 * (an older, installation-wide setting), else the defaults. Without a cohort: the course's.
 */
export async function getGradingPolicy({
  courseSlug,
  cohortId = null,
}: {
  courseSlug: string
  cohortId?: string | null
}): Promise<GradingPolicyView> {
  if (cohortId) {
    const own = await db().cohortGradingPolicy.findUnique({ where: { cohortId }, select: weightsSelect })
    if (own) return { courseSlug, cohortId, ...own }
  }
  const row = await db().gradingPolicy.findUnique({ where: { courseSlug }, select: weightsSelect })
  return row
    ? { courseSlug, cohortId: null, ...row }
    : { courseSlug, cohortId: null, ...DEFAULT_POLICY, updatedAt: null }
}

/** The learner's cohort for a course (the latest they joined and are still in), if any. */
export async function learnerCohortFor({
  userId,
  courseSlug,
}: {
  userId: string
  courseSlug: string
}): Promise<string | null> {
  const member = await db().cohortMember.findFirst({
    where: { userId, removedAt: null, cohort: { courseSlug, archivedAt: null } },
    orderBy: { joinedAt: 'desc' },
    select: { cohortId: true },
  })
  return member?.cohortId ?? null
}

/**
 * Sets one cohort's weights. Only that cohort's instructors (and admins) may: an instructor of
 * another cohort of the same course is refused, and the attempt is audited.
 */
export async function setGradingPolicy({
  actor,
  cohortId,
  policy,
}: {
  actor: CurrentUser
  cohortId: string
  policy: PolicyWeights
}): Promise<void> {
  assertStaff(actor)
  let cohort
  try {
    cohort = await requireCohortInstructor({ actor, cohortId })
  } catch (error) {
    if (error instanceof AppError && error.code === 'forbidden') {
      await recordAuditEvent({
        actorId: actor.id,
        action: 'grading-policy.refused',
        cohortId,
        details: { reason: 'not-an-instructor-of-this-cohort' },
      })
      throw new AppError('forbidden', 'Only instructors of this cohort can change its grading policy.')
    }
    throw error
  }
  const weights = [policy.lessonWeight, policy.quizWeight, policy.labWeight]
  if (weights.some((w) => !Number.isInteger(w) || w < 0 || w > 100)) {
    throw new AppError('invalid', 'Each weight must be a whole number from 0 to 100.')
  }
  const sum = weights.reduce((a, b) => a + b, 0)
  if (sum !== 100) throw new AppError('invalid', `The weights must add up to 100 (they add up to ${sum}).`)
  const before = await getGradingPolicy({ courseSlug: cohort.courseSlug, cohortId })
  const { lessonWeight, quizWeight, labWeight, partialCredit } = policy
  const data = { lessonWeight, quizWeight, labWeight, partialCredit, updatedById: actor.id }
  await db().cohortGradingPolicy.upsert({
    where: { cohortId },
    create: { cohortId, ...data },
    update: data,
    select: { cohortId: true },
  })
  await recordAuditEvent({
    actorId: actor.id,
    action: 'grading-policy.update',
    cohortId,
    details: {
      courseSlug: cohort.courseSlug,
      before: {
        lessonWeight: before.lessonWeight,
        quizWeight: before.quizWeight,
        labWeight: before.labWeight,
        partialCredit: before.partialCredit,
      },
      after: { lessonWeight, quizWeight, labWeight, partialCredit },
    },
  })
}

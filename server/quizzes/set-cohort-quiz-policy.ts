import 'server-only'
import { z } from 'zod'
import { recordAuditEvent } from '@/server/audit/record-audit-event'
import { requireCohortInstructor } from '@/server/cohorts/cohort-access'
import { db } from '@/server/db'
import { AppError } from '@/server/errors'
import type { CurrentUser } from '@/server/session/current-user'

export const quizPolicyInput = z.strictObject({
  maxAttempts: z.number().int().min(1, 'Allow at least 1 attempt.').max(20, 'Allow at most 20 attempts.'),
  cooldownMinutes: z
    .number()
    .int()
    .min(0, 'The cool-down cannot be negative.')
    .max(10_080, 'The cool-down can be at most 10080 minutes (one week).'),
})

export interface CohortQuizPolicyOverride {
  maxAttempts: number
  cooldownMinutes: number
  updatedAt: Date
}

/** The cohort's override, or null when the course default applies. Instructors of the cohort only. */
export async function getCohortQuizPolicy({
  actor,
  cohortId,
}: {
  actor: Pick<CurrentUser, 'id' | 'role'>
  cohortId: string
}): Promise<CohortQuizPolicyOverride | null> {
  await requireCohortInstructor({ actor, cohortId })
  return db().cohortQuizPolicy.findUnique({
    where: { cohortId },
    select: { maxAttempts: true, cooldownMinutes: true, updatedAt: true },
  })
}

/**
 * Sets (or, with `policy: null`, removes) the cohort's quiz attempt policy. Only the cohort's
 * instructors (and admins) may; the change and its audit record commit together.
 */
export async function setCohortQuizPolicy({
  actor,
  cohortId,
  policy,
}: {
  actor: Pick<CurrentUser, 'id' | 'role'>
  cohortId: string
  policy: z.input<typeof quizPolicyInput> | null
}): Promise<void> {
  await requireCohortInstructor({ actor, cohortId })
  let parsed: z.infer<typeof quizPolicyInput> | null = null
  if (policy) {
    const result = quizPolicyInput.safeParse(policy)
    if (!result.success) throw new AppError('invalid', result.error.issues.map((i) => i.message).join(' '))
    parsed = result.data
  }
  await db().$transaction(async (tx) => {
    if (parsed) {
      await tx.cohortQuizPolicy.upsert({
        where: { cohortId },
        create: { cohortId, ...parsed, updatedById: actor.id },
        update: { ...parsed, updatedById: actor.id },
        select: { cohortId: true },
      })
    } else {
      await tx.cohortQuizPolicy.deleteMany({ where: { cohortId } })
    }
    await recordAuditEvent(
      {
        actorId: actor.id,
        action: 'quiz-policy.update',
        cohortId,
        details: parsed ? { ...parsed } : { reset: true },
      },
      tx,
    )
  })
}

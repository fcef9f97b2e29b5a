import 'server-only'
import { z } from 'zod'
import { recordAuditEvent } from '@/server/audit/record-audit-event'
import { getCourse } from '@/server/content/catalog'
import { db } from '@/server/db'
import { AppError } from '@/server/errors'
import type { CurrentUser } from '@/server/session/current-user'
import { assertStaff } from './cohort-access'

const input = z.object({
  name: z.string().trim().min(1, 'Give the cohort a name.').max(120, 'Keep the name under 120 characters.'),
  courseSlug: z.string().min(1, 'Choose a course.'),
})

/** Creates a cohort; its creator becomes its first instructor. */
export async function createCohort({
  actor,
  name,
  courseSlug,
}: {
  actor: CurrentUser
  name: string
  courseSlug: string
}): Promise<{ id: string }> {
  assertStaff(actor)
  const parsed = input.safeParse({ name, courseSlug })
  if (!parsed.success) throw new AppError('invalid', parsed.error.issues[0]?.message ?? 'Invalid cohort.')
  if (!(await getCourse(parsed.data.courseSlug)))
    throw new AppError('invalid', `There is no course "${courseSlug}".`)
  return db().$transaction(async (tx) => {
    const cohort = await tx.cohort.create({
      data: {
        name: parsed.data.name,
        courseSlug: parsed.data.courseSlug,
        createdById: actor.id,
        instructors: { create: { userId: actor.id } },
      },
      select: { id: true },
    })
    await recordAuditEvent(
      {
        actorId: actor.id,
        action: 'cohort.create',
        cohortId: cohort.id,
        details: { name: parsed.data.name, courseSlug },
      },
      tx,
    )
    return cohort
  })
}

import 'server-only'
import { recordAuditEvent } from '@/server/audit/record-audit-event'
import { requireLearnerVisible } from '@/server/cohorts/cohort-access'
import { getCourse } from '@/server/content/catalog'
import { db } from '@/server/db'
import { AppError } from '@/server/errors'
import type { CurrentUser } from '@/server/session/current-user'
import { FINAL_ITEM_KEY, listCourseItems } from './course-items'
import { getGradedLabs } from './graded-labs'

/**
 * Records a hand grade for one item (or the final grade) of one learner. Overrides are
 * append-only: the latest counts, and the earlier ones stay as history. Each one is audited.
 */
export async function setGradeOverride({
  actor,
  userId,
  courseSlug,
  itemKey,
  percent,
  reason,
}: {
  actor: Pick<CurrentUser, 'id' | 'role'>
  userId: string
  courseSlug: string
  itemKey: string
  percent: number
  reason: string
}): Promise<{ id: string }> {
  await requireLearnerVisible({ actor, learnerId: userId })
  if (actor.role !== 'admin') {
    const sharesCourse = await db().cohortMember.count({
      where: { userId, removedAt: null, cohort: { courseSlug, instructors: { some: { userId: actor.id } } } },
    })
    if (sharesCourse === 0)
      throw new AppError('forbidden', 'This learner is not in a cohort of that course that you teach.')
  }
  const course = await getCourse(courseSlug)
  if (!course) throw new AppError('not-found', `There is no course "${courseSlug}".`)
  if (itemKey !== FINAL_ITEM_KEY) {
    const items = listCourseItems(course, (await getGradedLabs()).labs)
    const item = items.find((i) => i.key === itemKey)
    if (!item)
      throw new AppError(
        'invalid',
        `"${itemKey}" is not an item of ${course.title}. Use "final", "quiz:<quizKey>", "lab:<lab>/<step>" or "lesson:<lessonKey>".`,
      )
  }
  if (!Number.isInteger(percent) || percent < 0 || percent > 100) {
    throw new AppError('invalid', 'The grade must be a whole percentage from 0 to 100.')
  }
  const why = reason.trim()
  if (why.length < 3 || why.length > 500)
    throw new AppError('invalid', 'Give a reason for the override (3 to 500 characters).')
  return db().$transaction(async (tx) => {
    const row = await tx.gradeOverride.create({
      data: { userId, courseSlug, itemKey, percent, reason: why, byId: actor.id },
      select: { id: true },
    })
    await recordAuditEvent(
      {
        actorId: actor.id,
        action: 'grade.override',
        targetUserId: userId,
        details: { courseSlug, itemKey, percent, reason: why, overrideId: row.id },
      },
      tx,
    )
    return row
  })
}

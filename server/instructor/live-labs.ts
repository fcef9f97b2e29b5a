import 'server-only'
import { recordAuditEvent } from '@/server/audit/record-audit-event'
import { labsOfCourses, requireCohortInstructor } from '@/server/cohorts/cohort-access'
import { db } from '@/server/db'
import { AppError } from '@/server/errors'
import { getGradedLabs } from '@/server/grading/graded-labs'
import { LIVE_STATUSES } from '@/server/labs/lab-session'
import { endLab, extendLab, resetLab } from '@/server/labs/sandbox-actions'
import type { CurrentUser } from '@/server/session/current-user'

export interface LiveSandbox {
  sessionId: string
  userId: string
  learnerName: string
  labSlug: string
  labTitle: string
  status: string
  startedAt: Date
  expiresAt: Date | null
  /** The first step not passed yet (null when every step is passed). */
  currentStep: string | null
}

/** The cohort's running sandboxes, from the web app's LabSession records (no runner call). */
export async function listLiveSandboxes({
  actor,
  cohortId,
}: {
  actor: Pick<CurrentUser, 'id' | 'role'>
  cohortId: string
}): Promise<LiveSandbox[]> {
  const cohort = await requireCohortInstructor({ actor, cohortId })
  const inCourse = await labsOfCourses([cohort.courseSlug])
  const users = { cohortsJoined: { some: { cohortId, removedAt: null } } }
  const allSessions = await db().labSession.findMany({
    where: { user: users, status: { in: LIVE_STATUSES }, sandboxId: { not: null } },
    orderBy: { startedAt: 'asc' },
    select: {
      id: true,
      userId: true,
      labSlug: true,
      status: true,
      startedAt: true,
      expiresAt: true,
      user: { select: { name: true } },
    },
  })
  // Only the labs of this cohort's course: the learner's other courses are not this cohort's business.
  const sessions = allSessions.filter((s) => inCourse(s.labSlug))
  if (sessions.length === 0) return []
  const [{ labs }, passed] = await Promise.all([
    getGradedLabs(),
    db().labStepResult.findMany({
      where: {
        userId: { in: sessions.map((s) => s.userId) },
        labSlug: { in: sessions.map((s) => s.labSlug) },
        passedAt: { not: null },
      },
      select: { userId: true, labSlug: true, stepId: true },
    }),
  ])
  const passedSet = new Set(passed.map((p) => `${p.userId}/${p.labSlug}/${p.stepId}`))
  return sessions.map((s) => {
    const lab = labs.find((l) => l.slug === s.labSlug)
    const next = lab?.steps.find((step) => !passedSet.has(`${s.userId}/${s.labSlug}/${step.id}`))
    return {
      sessionId: s.id,
      userId: s.userId,
      learnerName: s.user.name,
      labSlug: s.labSlug,
      labTitle: lab?.title ?? s.labSlug,
      status: s.status,
      startedAt: s.startedAt,
      expiresAt: s.expiresAt,
      currentStep: next ? next.title : null,
    }
  })
}

export type SandboxAction = 'extend' | 'reset' | 'end'

/**
 * Extends, resets or ends a learner's running sandbox on an instructor's behalf, through the
 * same lab functions the learner's own buttons use. Audited with who, when and which sandbox.
 */
export async function actOnSandbox({
  actor,
  cohortId,
  learnerId,
  labSlug,
  action,
}: {
  actor: Pick<CurrentUser, 'id' | 'role'>
  cohortId: string
  learnerId: string
  labSlug: string
  action: SandboxAction
}): Promise<void> {
  const cohort = await requireCohortInstructor({ actor, cohortId })
  if (!(await labsOfCourses([cohort.courseSlug]))(labSlug)) {
    throw new AppError('forbidden', "That lab is not part of this cohort's course.")
  }
  const member = await db().cohortMember.findUnique({
    where: { cohortId_userId: { cohortId, userId: learnerId } },
    select: { removedAt: true },
  })
  if (!member || member.removedAt) throw new AppError('forbidden', 'This learner is not in this cohort.')
  const user = { id: learnerId }
  if (action === 'extend') await extendLab({ user, labSlug })
  else if (action === 'reset') await resetLab({ user, labSlug })
  else await endLab({ user, labSlug })
  await recordAuditEvent({
    actorId: actor.id,
    action: `sandbox.${action}`,
    targetUserId: learnerId,
    cohortId,
    details: { labSlug },
  })
}

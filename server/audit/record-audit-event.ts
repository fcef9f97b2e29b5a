import 'server-only'
import type { Prisma } from '@/generated/prisma/client'
import { db } from '@/server/db'

/** The actions we log. A closed list, so the audit page can name each one. */
export type AuditAction =
  | 'cohort.create'
  | 'cohort.archive'
  | 'cohort.invite.create'
  | 'cohort.invite.revoke'
  | 'cohort.member.join'
  | 'cohort.member.remove'
  | 'cohort.instructor.add'
  | 'cohort.instructor.remove'
  | 'grade.override'
  | 'grading-policy.update'
  | 'api-token.create'
  | 'api-token.revoke'
  | 'certificate.issue'
  | 'account.rename'
  | 'account.rename.refused'
  | 'lesson.completion.refused'
  | 'lab.check.refused'
  | 'lab.check.repeat'
  | 'grading-policy.refused'
  | 'api-token.refused'
  | 'instructor.scope.refused'
  | 'sandbox.watch'
  | 'sandbox.extend'
  | 'sandbox.reset'
  | 'sandbox.end'
  | 'quiz-policy.update'
  | 'quiz.attempt.submit'
  | 'quiz.attempt.refused'
  | 'lab-session.schedule'
  | 'lab-session.cancel'
  | 'lab-pool.update'

export interface AuditEventInput {
  actorId: string | null
  action: AuditAction
  targetUserId?: string | null
  cohortId?: string | null
  details?: Prisma.InputJsonObject
}

type AuditClient = Pick<ReturnType<typeof db>, 'auditEvent'>

/**
 * Appends one audit event. Pass the transaction client when the audited change runs in a
 * transaction, so the change and its record commit (or roll back) together.
 */
export async function recordAuditEvent(event: AuditEventInput, client: AuditClient = db()): Promise<void> {
  await client.auditEvent.create({
    data: {
      actorId: event.actorId,
      action: event.action,
      targetUserId: event.targetUserId ?? null,
      cohortId: event.cohortId ?? null,
      details: event.details ?? {},
    },
    select: { id: true },
  })
}

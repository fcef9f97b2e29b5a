import 'server-only'
// A single-use, read-only terminal ticket for an instructor watching a learner's running lab.
// The runner counts the resulting read-only session, and the learner's lab page shows that
// someone is watching; watching is audited (who watched whom, which lab and host).
import { recordAuditEvent } from '@/server/audit/record-audit-event'
import { requireLearnerScope } from '@/server/cohorts/cohort-access'
import { db } from '@/server/db'
import { AppError } from '@/server/errors'
import type { CurrentUser } from '@/server/session/current-user'
import { LIVE_STATUSES, requireLab, type LabSessionStatus } from './lab-session'
import type { TerminalTicket } from './mint-terminal-ticket'
import { runner, runnerPublicUrls } from './runner'
import { runnerFailure } from './runner-failure'

export interface WatchTarget {
  sessionId: string
  sandboxId: string
  learnerId: string
  learnerName: string
  labSlug: string
  labTitle: string
  shellHosts: string[]
  /** Cohorts the actor shares with the learner (empty for an admin outside them). */
  cohortIds: string[]
}

/**
 * The running lab session `actor` may watch: the actor must teach a cohort the learner is in
 * (admins may watch anyone). Used by the watch page and by every ticket minted for it.
 */
export async function getWatchTarget(options: {
  actor: Pick<CurrentUser, 'id' | 'role'>
  sessionId: string
}): Promise<WatchTarget> {
  const { actor, sessionId } = options
  const session = await db().labSession.findUnique({
    where: { id: sessionId },
    select: {
      id: true,
      userId: true,
      labSlug: true,
      sandboxId: true,
      status: true,
      user: { select: { name: true } },
    },
  })
  if (!session) throw new AppError('not-found', 'There is no such lab session; it may have been removed.')
  // Permission before anything else about the session is revealed.
  const scope = await requireLearnerScope({ actor, learnerId: session.userId })
  const { cohortIds } = scope
  // Teaching a learner in one course is no licence to watch their labs of another.
  if (!scope.includesLab(session.labSlug)) {
    await recordAuditEvent({
      actorId: actor.id,
      action: 'instructor.scope.refused',
      targetUserId: session.userId,
      cohortId: cohortIds[0] ?? null,
      details: { reason: 'lab-outside-cohort-course', labSlug: session.labSlug, sessionId: session.id },
    })
    throw new AppError(
      'forbidden',
      "This lab is not part of the course you teach this learner in, so you can't watch it.",
    )
  }
  if (session.userId === actor.id)
    throw new AppError('invalid', 'This is your own lab; open it from the lab page instead.')
  if (!LIVE_STATUSES.includes(session.status as LabSessionStatus) || session.sandboxId === null) {
    throw new AppError('conflict', `${session.user.name}'s lab is not running any more.`)
  }
  const lab = await requireLab(session.labSlug)
  return {
    sessionId: session.id,
    sandboxId: session.sandboxId,
    learnerId: session.userId,
    learnerName: session.user.name,
    labSlug: session.labSlug,
    labTitle: lab.title,
    shellHosts: lab.shellHosts,
    cohortIds,
  }
}

export async function mintWatchTicket(options: {
  actor: Pick<CurrentUser, 'id' | 'role'>
  sessionId: string
  /** Shell host to watch; defaults to the lab's first shell host. */
  host?: string
}): Promise<TerminalTicket> {
  const { actor } = options
  const target = await getWatchTarget(options)
  const host = options.host ?? target.shellHosts[0]
  if (host === undefined || !target.shellHosts.includes(host)) {
    throw new AppError(
      'forbidden',
      `"${host ?? ''}" has no terminal in this lab (shell hosts: ${target.shellHosts.join(', ')}).`,
    )
  }
  // The ticket carries the watcher's id; mode 'ro' is fixed at mint time and cannot be upgraded.
  const minted = await runner().mintTicket(target.sandboxId, { userId: actor.id, host, mode: 'ro' })
  if (!minted.ok) throw await runnerFailure(minted, target.sessionId)
  await auditWatch({ actorId: actor.id, target, host })
  const url = `${runnerPublicUrls().ws}/terminal?${new URLSearchParams({ ticket: minted.value.ticket }).toString()}`
  return { url, host, mode: 'ro', expiresAt: minted.value.expiresAt }
}

/** A watch page reconnecting mints a ticket each time; one audit event per viewing is enough. */
const WATCH_AUDIT_WINDOW_MS = 10 * 60_000

/**
 * Records that `actorId` watched `host` of a lab session, unless the same watch was recorded
 * in the last ten minutes (reconnects and host switches back and forth are one viewing).
 */
export async function auditWatch(options: {
  actorId: string
  target: Pick<WatchTarget, 'learnerId' | 'cohortIds' | 'labSlug' | 'sessionId'>
  host: string
  now?: Date
}): Promise<void> {
  const { actorId, target, host } = options
  const now = options.now ?? new Date()
  const recent = await db().auditEvent.findFirst({
    where: {
      actorId,
      action: 'sandbox.watch',
      targetUserId: target.learnerId,
      createdAt: { gte: new Date(now.getTime() - WATCH_AUDIT_WINDOW_MS) },
      AND: [
        { details: { path: ['sessionId'], equals: target.sessionId } },
        { details: { path: ['host'], equals: host } },
      ],
    },
    select: { id: true },
  })
  if (recent) return
  await recordAuditEvent({
    actorId,
    action: 'sandbox.watch',
    targetUserId: target.learnerId,
    cohortId: target.cohortIds[0] ?? null,
    details: { labSlug: target.labSlug, sessionId: target.sessionId, host },
  })
}

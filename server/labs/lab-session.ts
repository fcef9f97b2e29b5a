import 'server-only'
// The learner's current LabSession for a lab: the newest one still provisioning or ready.
import { db } from '@/server/db'
import { AppError } from '@/server/errors'
import { getLab, type LabInfo } from './list-labs'

export type LabSessionStatus = 'provisioning' | 'ready' | 'expired' | 'ended' | 'failed'
export const LIVE_STATUSES: LabSessionStatus[] = ['provisioning', 'ready']

export interface ActiveSession {
  id: string
  sandboxId: string
  status: LabSessionStatus
  startedAt: Date
  expiresAt: Date | null
}

export async function findActiveSession(userId: string, labSlug: string): Promise<ActiveSession | undefined> {
  const row = await db().labSession.findFirst({
    where: { userId, labSlug, status: { in: LIVE_STATUSES }, sandboxId: { not: null } },
    orderBy: { startedAt: 'desc' },
    select: { id: true, sandboxId: true, status: true, startedAt: true, expiresAt: true },
  })
  if (!row?.sandboxId) return undefined
  return { ...row, sandboxId: row.sandboxId, status: row.status as LabSessionStatus }
}

/** The lab, or a not-found AppError naming it. */
export async function requireLab(labSlug: string): Promise<LabInfo> {
  const lab = await getLab(labSlug)
  if (!lab) throw new AppError('not-found', `There is no lab "${labSlug}".`)
  return lab
}

/** The active session, or a conflict AppError telling the learner to start the lab. */
export async function requireActiveSession(userId: string, labSlug: string): Promise<ActiveSession> {
  const session = await findActiveSession(userId, labSlug)
  if (!session) throw new AppError('conflict', 'This lab is not running. Start it first.')
  return session
}

/** The runner no longer knows the sandbox: its time ran out (or it idled out). Results stay. */
export async function markSessionExpired(sessionId: string): Promise<void> {
  await db().labSession.updateMany({
    where: { id: sessionId, status: { in: LIVE_STATUSES } },
    data: { status: 'expired', endedAt: new Date() },
  })
}

import 'server-only'
// Everything the lab page shows about one learner and one lab: the sandbox (live status from
// the runner), whether the last one expired, and step progress.
import { db } from '@/server/db'
import { findActiveSession, markSessionExpired, requireLab } from './lab-session'
import { runner } from './runner'
import { ENGINE_UNAVAILABLE_MESSAGE } from './runner-failure'
import { toSandboxView, type SandboxView } from './sandbox-view'
import { getStepProgress, type StepProgress } from './step-progress'

export type { SandboxView }

export interface LabState {
  engine: { available: true } | { available: false; message: string }
  sandbox: SandboxView | null
  /** The learner's last sandbox ran out of time; offer a fresh start. */
  expired: boolean
  steps: StepProgress[]
  pointsEarned: number
  totalPoints: number
}

export async function getLabState(options: { user: { id: string }; labSlug: string }): Promise<LabState> {
  const { user, labSlug } = options
  const lab = await requireLab(labSlug)
  const steps = await getStepProgress(user.id, lab)
  const base = {
    steps,
    pointsEarned: steps.reduce((sum, s) => sum + s.pointsEarned, 0),
    totalPoints: lab.totalPoints,
  }
  const session = await findActiveSession(user.id, labSlug)
  if (!session) {
    const engine = await runner().health()
    const last = await db().labSession.findFirst({
      where: { userId: user.id, labSlug },
      orderBy: { startedAt: 'desc' },
      select: { status: true },
    })
    return {
      ...base,
      engine: engine.ok ? { available: true } : { available: false, message: ENGINE_UNAVAILABLE_MESSAGE },
      sandbox: null,
      expired: last?.status === 'expired',
    }
  }
  const status = await runner().getSandbox(session.sandboxId)
  if (!status.ok) {
    if (status.code === 'not-found') {
      await markSessionExpired(session.id)
      return { ...base, engine: { available: true }, sandbox: null, expired: true }
    }
    return {
      ...base,
      engine: { available: false, message: ENGINE_UNAVAILABLE_MESSAGE },
      sandbox: null,
      expired: false,
    }
  }
  const sandbox = status.value
  if (sandbox.state !== session.status || sandbox.expiresAt !== session.expiresAt?.toISOString()) {
    await db().labSession.update({
      where: { id: session.id },
      data: { status: sandbox.state, expiresAt: new Date(sandbox.expiresAt) },
      select: { id: true },
    })
  }
  return {
    ...base,
    engine: { available: true },
    sandbox: toSandboxView(sandbox, lab.limits.idleTimeoutMinutes * 60),
    expired: false,
  }
}

// Why the learner's sandbox is `failed`, on the lab page's start panel. An interrupted start (the
// runner restarted mid-provisioning and removed the half-built sandbox, decision 018) is not the
// learner's problem and lost nothing, so it reads as a notice with "start again", not as an error;
// nor is a lab whose machine was lost (a cluster node went down under it).
import type { LabState } from './lab-api'

type SandboxView = NonNullable<LabState['sandbox']>

export interface FailureNotice {
  kind: 'interrupted' | 'machine-lost' | 'failed'
  text: string
}

export const INTERRUPTED_TEXT =
  'Your lab was interrupted while it was starting (the lab engine restarted). Nothing was lost: your passed steps and points are kept. Start the lab again to get a fresh sandbox.'

export const MACHINE_LOST_TEXT =
  'The machine running your lab was lost. Your progress is kept: your passed steps and points stay. Start the lab again to get a fresh sandbox on another machine.'

export function sandboxFailureNotice(sandbox: SandboxView | null): FailureNotice | null {
  if (sandbox?.state !== 'failed') return null
  if (sandbox.failure === 'interrupted') return { kind: 'interrupted', text: INTERRUPTED_TEXT }
  if (sandbox.failure === 'machine-lost') return { kind: 'machine-lost', text: MACHINE_LOST_TEXT }
  return {
    kind: 'failed',
    text: `The sandbox could not start: ${sandbox.error ?? 'unknown error'}. Start again to retry.`,
  }
}

export function SandboxFailure({ sandbox }: { sandbox: SandboxView | null }) {
  const notice = sandboxFailureNotice(sandbox)
  if (!notice) return null
  return notice.kind !== 'failed' ? (
    <p className="alert info" role="status" data-testid={`sandbox-${notice.kind}`}>
      {notice.text}
    </p>
  ) : (
    <p className="alert error" role="alert">
      {notice.text}
    </p>
  )
}

'use client'
// Before the sandbox is ready: why it is not (engine down, expired, failed), the queue or the
// start progress, or the Start button.
import type { LabState } from './lab-api'
import { ProvisioningProgress } from './provisioning-progress'
import { SandboxFailure } from './sandbox-failure'
import styles from './lab.module.css'

export function LabStartPanel({
  state,
  services,
  queue,
  provisioning,
  starting,
  coldStart = false,
  onStart,
}: {
  state: LabState
  /** The lab's topology services, in start order. */
  services: string[]
  queue: { position: number; estimatedWaitS: number } | null
  provisioning: boolean
  starting: boolean
  /** No warm sandbox was free: this one starts from scratch. */
  coldStart?: boolean
  onStart: () => void
}) {
  const sandbox = state.sandbox
  return (
    <div className={styles.startPanel}>
      {!state.engine.available ? (
        <p className="alert error" role="alert">
          The lab engine is unavailable. {state.engine.message}
        </p>
      ) : (
        <>
          {state.expired && !provisioning && (
            <p className="alert info" role="status">
              Your sandbox expired. Your passed steps and points are kept — start a fresh sandbox to continue.
            </p>
          )}
          {!provisioning && <SandboxFailure sandbox={sandbox} />}
          {queue ? (
            <p role="status" aria-live="polite">
              All lab machines are busy and no ready sandbox is free. You are number{' '}
              <strong>{queue.position}</strong> in the queue (about{' '}
              {Math.max(1, Math.round(queue.estimatedWaitS / 60))} min). Keep this page open.
            </p>
          ) : provisioning ? (
            <>
              {coldStart && sandbox?.provisioning?.phase !== 'personalising' && (
                <p className="muted" role="status" data-testid="cold-start">
                  No ready sandbox was free for this lab, so yours is being built from scratch
                  {sandbox?.provisioning ? ` (usually about ${sandbox.provisioning.typicalS} s)` : ''}.
                </p>
              )}
              <ProvisioningProgress
                services={services}
                statuses={sandbox?.services ?? []}
                provisioning={sandbox?.provisioning ?? null}
              />
            </>
          ) : (
            <>
              <p>
                Start the lab to get your own private environment ({services.length} services). It runs for a
                limited time; you can extend it.
              </p>
              <button type="button" className="button primary" onClick={onStart} disabled={starting}>
                {state.expired ? 'Start a fresh sandbox' : 'Start lab'}
              </button>
            </>
          )}
        </>
      )}
    </div>
  )
}

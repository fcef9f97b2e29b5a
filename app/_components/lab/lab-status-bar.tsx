'use client'
// The ready sandbox's status bar: services up, the sandbox's clocks, Extend, Reset and End.
import type { ReactNode } from 'react'
import type { ServiceStatus } from '@/contracts/runner-api'
import { isServiceUp } from './service-progress'
import styles from './lab.module.css'

export type SandboxAction = 'extend' | 'reset' | 'end'

function describeService(s: ServiceStatus): string {
  const health = s.health !== 'none' ? ` (${s.health})` : ''
  const exit = s.exitCode !== undefined && s.state === 'exited' ? ` exit ${s.exitCode}` : ''
  return `${s.host}: ${s.state}${health}${exit}`
}

export function LabStatusBar({
  services,
  clocks,
  extensionsLeft,
  busy,
  onAction,
}: {
  services: ServiceStatus[]
  /** Idle shutdown and lab time left (sandbox-clocks.tsx). */
  clocks: ReactNode
  extensionsLeft: number
  /** An action is under way: the buttons wait. */
  busy: boolean
  /** `confirmText`: asked before the action runs. */
  onAction: (name: SandboxAction, confirmText?: string) => void
}) {
  return (
    <div className={styles.statusBar} role="group" aria-label="Sandbox status">
      <span title={services.map(describeService).join('\n')}>
        Services {services.filter(isServiceUp).length}/{services.length} OK
      </span>
      {clocks}
      <button
        type="button"
        className="button small"
        disabled={busy || extensionsLeft === 0}
        onClick={() => onAction('extend')}
      >
        Extend ({extensionsLeft} left)
      </button>
      <button
        type="button"
        className="button small"
        disabled={busy}
        onClick={() =>
          onAction(
            'reset',
            'Reset the sandbox? Every container starts again from scratch. Passed steps are kept.',
          )
        }
      >
        Reset
      </button>
      <button
        type="button"
        className="button small"
        disabled={busy}
        onClick={() => onAction('end', 'End the lab? The sandbox is deleted. Passed steps are kept.')}
      >
        End
      </button>
    </div>
  )
}

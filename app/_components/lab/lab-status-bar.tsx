'use client'
// The ready sandbox's status bar: services up, time left, Extend, Reset and End.
import type { ServiceStatus } from '@/contracts/runner-api'
import { isServiceUp } from './service-progress'
import styles from './lab.module.css'

export type SandboxAction = 'extend' | 'reset' | 'end'

function formatDuration(seconds: number): string {
  const m = Math.floor(seconds / 60)
  const s = Math.max(0, seconds % 60)
  return m >= 60 ? `${Math.floor(m / 60)} h ${m % 60} min` : `${m}:${String(s).padStart(2, '0')}`
}

function describeService(s: ServiceStatus): string {
  const health = s.health !== 'none' ? ` (${s.health})` : ''
  const exit = s.exitCode !== undefined && s.state === 'exited' ? ` exit ${s.exitCode}` : ''
  return `${s.host}: ${s.state}${health}${exit}`
}

export function LabStatusBar({
  services,
  secondsLeft,
  extensionsLeft,
  busy,
  onAction,
}: {
  services: ServiceStatus[]
  secondsLeft: number
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
      <span aria-live="off">Time left {formatDuration(secondsLeft)}</span>
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

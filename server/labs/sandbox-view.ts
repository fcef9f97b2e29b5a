// What the lab page is told about a live sandbox, mapped from the runner's status. Pure (no
// database, no runner call) so the mapping is tested on its own; get-lab-state.ts does the I/O.
import type {
  ProvisioningStatus,
  SandboxDiskStatus,
  SandboxFailureCode,
  SandboxStatus,
  ServiceStatus,
} from '@/contracts/runner-api'

export interface SandboxView {
  state: 'provisioning' | 'ready' | 'failed'
  error: string | null
  /**
   * With state `failed`: `interrupted` when the runner restarted while the sandbox was being
   * built (nothing was lost, start again); null for an ordinary failure or an older runner.
   */
  failure: SandboxFailureCode | null
  secondsLeft: number
  /** Until the sandbox is deleted as idle (terminal input, saves, checks restart it). */
  idleSecondsLeft: number
  /** Until the lab's time limit runs out, however active the learner is. */
  labSecondsLeft: number
  /** Seconds of inactivity before deletion, for the idle clock's explanation. */
  idleTimeoutS: number
  expiresAt: string
  extensionsLeft: number
  services: ServiceStatus[]
  /** While provisioning: the phase, seconds so far and this lab's typical start time. */
  provisioning: ProvisioningStatus | null
  /** Instructors watching the learner's terminal read-only right now (the page says so). */
  viewers: number
  /** The disk watchdog's last measurement (null until the first one, or on older runners). */
  disk: SandboxDiskStatus | null
}

export function toSandboxView(sandbox: SandboxStatus, idleTimeoutS: number): SandboxView {
  return {
    state: sandbox.state,
    error: sandbox.error ?? null,
    failure: sandbox.state === 'failed' ? (sandbox.errorCode ?? null) : null,
    secondsLeft: sandbox.secondsLeft,
    idleSecondsLeft: sandbox.idleSecondsLeft,
    labSecondsLeft: sandbox.labSecondsLeft,
    idleTimeoutS,
    expiresAt: sandbox.expiresAt,
    extensionsLeft: sandbox.extensionsLeft,
    services: sandbox.services,
    provisioning: sandbox.provisioning ?? null,
    viewers: sandbox.viewers,
    disk: sandbox.disk ?? null,
  }
}

// Where one service of a sandbox is, in the learner's words; shared by the start screen and
// the status bar so both count "up" the same way.
import type { ServiceStatus } from '@/contracts/runner-api'

export type ServiceProgress = 'waiting' | 'starting' | 'up' | 'done' | 'failed'

/** One-shot jobs (seeders, init containers) that exit 0 are "done", which counts as up. */
export function serviceProgress(status: ServiceStatus | undefined): ServiceProgress {
  if (!status || status.state === 'missing' || status.state === 'created') return 'waiting'
  if (status.state === 'exited') return status.exitCode === 0 ? 'done' : 'failed'
  if (status.state === 'dead' || status.health === 'unhealthy') return 'failed'
  if (status.state === 'running' && status.health !== 'starting') return 'up'
  return 'starting'
}

export const isServiceUp = (status: ServiceStatus | undefined): boolean => {
  const progress = serviceProgress(status)
  return progress === 'up' || progress === 'done'
}

// Start-up adoption that survives a Docker engine which is down (or restarting) when the runner
// starts: tries again with exponential back-off until the engine answers. Until then the
// registry reports engine-unavailable for sandbox calls (not not-found), so the web app keeps
// the learners' sessions and shows "lab engine unavailable" instead of ending them.
import { engineMessage } from '../topology/docker-driver'
import type { Logger, SandboxRegistry } from './sandbox-registry'

export interface AdoptWithRetryOptions {
  registry: SandboxRegistry
  log: Logger
  /** First wait after a failure; doubles each time up to maxDelayMs. */
  initialDelayMs?: number
  maxDelayMs?: number
}

export interface AdoptionHandle {
  /** Resolves once adoption succeeded (never rejects). */
  done: Promise<Awaited<ReturnType<SandboxRegistry['start']>>>
  /** Stops retrying (shutdown). */
  cancel(): void
}

export function adoptWithRetry(options: AdoptWithRetryOptions): AdoptionHandle {
  const { registry, log } = options
  const maxDelayMs = options.maxDelayMs ?? 30_000
  let delayMs = options.initialDelayMs ?? 1_000
  let timer: NodeJS.Timeout | undefined
  let cancelled = false
  const done = new Promise<Awaited<ReturnType<SandboxRegistry['start']>>>((resolve) => {
    const attempt = (): void => {
      if (cancelled) return
      registry.start().then(resolve, (error: unknown) => {
        log.error('Docker engine unavailable; sandboxes are not adopted yet, retrying', {
          error: engineMessage(error),
          retryInMs: delayMs,
        })
        timer = setTimeout(attempt, delayMs)
        timer.unref()
        delayMs = Math.min(maxDelayMs, delayMs * 2)
      })
    }
    attempt()
  })
  return {
    done,
    cancel() {
      cancelled = true
      clearTimeout(timer)
    },
  }
}

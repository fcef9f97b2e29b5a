// One-line JSON logs on stdout. Callers pass fields explicitly; secrets and tokens are never
// passed, and the keys below are blanked in case one slips through. Lines written while the
// runner serves a request carry that request's id (the web app's, decision 027), also for work
// the request started that finishes later (provisioning a sandbox).
import { AsyncLocalStorage } from 'node:async_hooks'
import type { Logger } from './sandboxes/sandbox-registry'

const redactedKeys = /token|secret|password|ticket|authorization|cookie|variables/i

const requests = new AsyncLocalStorage<string>()

/** Runs `fn` with `requestId` on every log line it (and what it starts) writes. */
export function withRequestId<T>(requestId: string, fn: () => T): T {
  return requests.run(requestId, fn)
}

export interface RecentError {
  time: string
  message: string
  requestId?: string
  fields: Record<string, unknown>
}

export interface JsonLogger extends Logger {
  /** The latest error lines, newest first (for the web app's admin status page). */
  recentErrors(): RecentError[]
}

const KEEP_ERRORS = 50

export function createJsonLogger(
  write: (line: string) => void = (line) => process.stdout.write(line + '\n'),
): JsonLogger {
  const errors: RecentError[] = []
  const emit = (level: string, message: string, fields: Record<string, unknown> = {}) => {
    const safe = Object.fromEntries(
      Object.entries(fields).map(([k, v]) => [k, redactedKeys.test(k) ? '[redacted]' : v]),
    )
    const requestId = requests.getStore()
    const time = new Date().toISOString()
    write(JSON.stringify({ time, level, message, ...(requestId ? { requestId } : {}), ...safe }))
    if (level === 'error') {
      errors.unshift({ time, message, ...(requestId ? { requestId } : {}), fields: safe })
      errors.length = Math.min(errors.length, KEEP_ERRORS)
    }
  }
  return {
    info: (message, fields) => emit('info', message, fields),
    warn: (message, fields) => emit('warn', message, fields),
    error: (message, fields) => emit('error', message, fields),
    recentErrors: () => errors.map((e) => ({ ...e })),
  }
}

// The web app's log: one JSON line per event on stdout, each carrying the request id of the
// request it belongs to (docs/decisions/027-request-ids-and-status-page.md). The request's
// context lives in an AsyncLocalStorage kept on globalThis: scripts/web-server.ts opens it and
// Next.js' bundles (their own copies of this module) read the same one.
import { AsyncLocalStorage } from 'node:async_hooks'
export { chooseRequestId, REQUEST_ID_HEADER } from '@/contracts/request-id'

export interface RequestContext {
  requestId: string
  /** Set once the request's session is read (server/session/current-user.ts). */
  userId?: string
}

export type LogFields = Record<string, unknown>

const holder = globalThis as { academyRequestContext?: AsyncLocalStorage<RequestContext> }

export function requestContext(): AsyncLocalStorage<RequestContext> {
  holder.academyRequestContext ??= new AsyncLocalStorage<RequestContext>()
  return holder.academyRequestContext
}

export function currentRequest(): RequestContext | undefined {
  return requestContext().getStore()
}

const REDACTED_KEYS = /token|secret|password|ticket|authorization|cookie|variables/i

/** The fields with anything named like a secret blanked (callers never pass one; in case one slips). */
export function redact(fields: LogFields): LogFields {
  return Object.fromEntries(
    Object.entries(fields).map(([k, v]) => [k, REDACTED_KEYS.test(k) ? '[redacted]' : v]),
  )
}

/** One log line: time, level, message, the request's id and user, then the fields (redacted). */
export function formatLine(level: string, message: string, fields: LogFields = {}): string {
  const context = currentRequest()
  const safe = redact(fields)
  return JSON.stringify({
    time: new Date().toISOString(),
    level,
    message,
    ...(context ? { requestId: context.requestId, userId: context.userId } : {}),
    ...safe,
  })
}

export const log = {
  info: (message: string, fields?: LogFields) =>
    process.stdout.write(formatLine('info', message, fields) + '\n'),
  warn: (message: string, fields?: LogFields) =>
    process.stdout.write(formatLine('warn', message, fields) + '\n'),
  error: (message: string, fields?: LogFields) =>
    process.stderr.write(formatLine('error', message, fields) + '\n'),
}

import 'server-only'

export type AppErrorCode =
  | 'invalid'
  | 'unauthenticated'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'too-large'
  | 'unsupported-type'
  | 'rate-limited'
  | 'unavailable'

const STATUS: Record<AppErrorCode, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'too-large': 413,
  'unsupported-type': 415,
  'rate-limited': 429,
  unavailable: 503,
}

/** The one error shape of the web app's server code; `message` is safe to show to the user. */
export class AppError extends Error {
  readonly status: number
  constructor(
    readonly code: AppErrorCode,
    message: string,
    /** For 'rate-limited': when to try again (sent as Retry-After). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message)
    this.name = 'AppError'
    this.status = STATUS[code]
  }
}

// One-line JSON logs on stdout. Callers pass fields explicitly; secrets and tokens are never
// passed, and the keys below are blanked in case one slips through.
import type { Logger } from './sandboxes/sandbox-registry'

const redactedKeys = /token|secret|password|ticket|authorization|variables/i

export function createJsonLogger(
  write: (line: string) => void = (line) => process.stdout.write(line + '\n'),
): Logger {
  const emit = (level: string, message: string, fields: Record<string, unknown> = {}) => {
    const safe = Object.fromEntries(
      Object.entries(fields).map(([k, v]) => [k, redactedKeys.test(k) ? '[redacted]' : v]),
    )
    write(JSON.stringify({ time: new Date().toISOString(), level, message, ...safe }))
  }
  return {
    info: (message, fields) => emit('info', message, fields),
    warn: (message, fields) => emit('warn', message, fields),
    error: (message, fields) => emit('error', message, fields),
  }
}

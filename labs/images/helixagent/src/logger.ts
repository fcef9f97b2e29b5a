import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs'
import { dirname } from 'node:path'
import type { LogLevel } from './config'
import { redact } from './redact'

const LEVEL_ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 }

export type LogFields = Record<string, unknown>

export interface LogSink {
  write(line: string): void
}

/** State shared by a logger and its per-request children, so a reload changes them all. */
interface LoggerState {
  level: LogLevel
  instance: string
  stdout: LogSink
  file: WriteStream | null
  filePath: string | null
}

const stdoutSink: LogSink = { write: (line) => void process.stdout.write(line) }

/**
 * JSON lines like the course's slog handler: level, ts (RFC 3339), msg, trace_id, instance,
 * then the call's fields. Sensitive keys are redacted at any depth before serialising.
 */
export class Logger {
  private constructor(
    private readonly state: LoggerState,
    private readonly traceId: string | null,
  ) {}

  static create(options: { instance: string; level: LogLevel; stdout?: LogSink }): Logger {
    return new Logger(
      {
        level: options.level,
        instance: options.instance,
        stdout: options.stdout ?? stdoutSink,
        file: null,
        filePath: null,
      },
      null,
    )
  }

  setLevel(level: LogLevel): void {
    this.state.level = level
  }

  get level(): LogLevel {
    return this.state.level
  }

  /** Opens (or switches) the optional log file; appends so an external rotation keeps working. */
  setFile(path: string | undefined): void {
    if ((path ?? null) === this.state.filePath) return
    this.state.file?.end()
    this.state.file = null
    this.state.filePath = path ?? null
    if (path === undefined) return
    try {
      mkdirSync(dirname(path), { recursive: true })
    } catch (cause) {
      this.warn('cannot create the log directory; logging to stdout only', {
        file: path,
        error: String(cause),
      })
      return
    }
    const stream = createWriteStream(path, { flags: 'a' })
    // A full disk or a missing permission must not crash the service; stdout keeps every line.
    stream.on('error', (cause) => {
      if (this.state.file === stream) this.state.file = null
      this.warn('log file write failed; logging to stdout only', { file: path, error: cause.message })
    })
    this.state.file = stream
  }

  /** A logger that stamps every line with the request's trace id. */
  withTrace(traceId: string | null): Logger {
    return new Logger(this.state, traceId)
  }

  debug(msg: string, fields: LogFields = {}): void {
    this.log('debug', msg, fields)
  }
  info(msg: string, fields: LogFields = {}): void {
    this.log('info', msg, fields)
  }
  warn(msg: string, fields: LogFields = {}): void {
    this.log('warn', msg, fields)
  }
  error(msg: string, fields: LogFields = {}): void {
    this.log('error', msg, fields)
  }

  async close(): Promise<void> {
    const file = this.state.file
    this.state.file = null
    this.state.filePath = null
    if (file) await new Promise<void>((resolve) => file.end(resolve))
  }

  private log(level: LogLevel, msg: string, fields: LogFields): void {
    if (LEVEL_ORDER[level] < LEVEL_ORDER[this.state.level]) return
    const line = JSON.stringify({
      level,
      ts: new Date().toISOString(),
      msg,
      trace_id: this.traceId,
      instance: this.state.instance,
      ...(redact(fields) as LogFields),
    })
    this.state.stdout.write(`${line}\n`)
    this.state.file?.write(`${line}\n`)
  }
}

// Runs one non-interactive command in a container and hands its output back demultiplexed.
// Shared by checks, editor files and faults. Docker has no API to kill an exec'd process,
// so callers wrap commands in `timeout -s KILL N`; the deadline here only stops *us* from
// waiting forever (e.g. a daemon the script started keeps stdout open).
import type Docker from 'dockerode'
import type { ContainerAccess } from '../engine/sandbox-engine'
import type { Duplex } from 'node:stream'

export type OutputStream = 'stdout' | 'stderr'

export interface ExecCaptureOptions {
  docker: ContainerAccess
  containerId: string
  cmd: string[]
  env?: Readonly<Record<string, string>>
  /** Container user; the image's default user when omitted. */
  user?: string
  workingDir?: string
  /** Bytes written to the command's stdin, which is then closed. */
  stdin?: Buffer
  /** We stop waiting (and report `deadlineHit`) after this long. */
  deadlineMs: number
  onOutput: (stream: OutputStream, chunk: Buffer) => void
}

export interface ExecCaptureResult {
  /** `null` when the process did not finish before the deadline. */
  exitCode: number | null
  deadlineHit: boolean
  durationMs: number
}

export async function execCapture(options: ExecCaptureOptions): Promise<ExecCaptureResult> {
  const started = performance.now()
  const container = options.docker.getContainer(options.containerId)
  const exec = await container.exec({
    Cmd: options.cmd,
    Env: Object.entries(options.env ?? {}).map(([key, value]) => `${key}=${value}`),
    User: options.user,
    WorkingDir: options.workingDir,
    AttachStdin: options.stdin !== undefined,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
  })
  const stream = await exec.start({ hijack: true, stdin: options.stdin !== undefined })
  const demux = createDemuxer(options.onOutput)
  let deadlineHit = false
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      deadlineHit = true
      stream.destroy()
    }, options.deadlineMs)
    const finish = () => {
      clearTimeout(timer)
      resolve()
    }
    stream.on('data', (chunk: Buffer) => demux(chunk))
    stream.once('end', finish)
    stream.once('close', finish)
    stream.once('error', finish)
    if (options.stdin !== undefined) writeAndClose(stream, options.stdin)
  })
  const exitCode = deadlineHit ? null : await waitForExitCode(exec)
  return { exitCode, deadlineHit, durationMs: Math.round(performance.now() - started) }
}

function writeAndClose(stream: Duplex, data: Buffer): void {
  // Half-close: Docker turns the end of our write side into EOF on the process's stdin.
  stream.end(data)
}

async function waitForExitCode(exec: Docker.Exec): Promise<number | null> {
  // The stream can end a moment before the engine records the exit code.
  for (let attempt = 0; attempt < 20; attempt++) {
    const info = await exec.inspect()
    if (!info.Running && info.ExitCode !== null) return info.ExitCode
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  return null
}

/**
 * Docker multiplexes stdout and stderr of a non-TTY exec into frames:
 * [stream type (1 = stdout, 2 = stderr), 0, 0, 0, payload length (uint32 BE)] + payload.
 * Frames are split across TCP chunks arbitrarily, so we buffer until a frame is whole.
 */
export function createDemuxer(
  onOutput: (stream: OutputStream, chunk: Buffer) => void,
): (chunk: Buffer) => void {
  let pending: Buffer = Buffer.alloc(0)
  return (chunk) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk])
    while (pending.length >= 8) {
      const size = pending.readUInt32BE(4)
      if (pending.length < 8 + size) break
      const type = pending[0]
      const payload = pending.subarray(8, 8 + size)
      pending = pending.subarray(8 + size)
      if (size > 0) onOutput(type === 2 ? 'stderr' : 'stdout', payload)
    }
  }
}

/** Keeps the first `limit` bytes and counts the rest, so a flood cannot exhaust memory. */
export class CappedBuffer {
  private readonly chunks: Buffer[] = []
  private kept = 0
  dropped = 0

  constructor(private readonly limit: number) {}

  push(chunk: Buffer): void {
    const room = this.limit - this.kept
    if (room > 0) {
      const part = chunk.length <= room ? chunk : chunk.subarray(0, room)
      this.chunks.push(part)
      this.kept += part.length
    }
    this.dropped += Math.max(0, chunk.length - Math.max(0, room))
  }

  get truncated(): boolean {
    return this.dropped > 0
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.chunks)
  }
}

/** Message of an engine error (dockerode puts the engine's JSON message in `json.message`). */
export function dockerErrorMessage(error: unknown): string {
  if (error instanceof Error) {
    const json = (error as Error & { json?: unknown }).json
    if (typeof json === 'object' && json !== null && 'message' in json && typeof json.message === 'string') {
      return json.message
    }
    return error.message
  }
  return String(error)
}

export function dockerStatusCode(error: unknown): number | undefined {
  if (error instanceof Error && 'statusCode' in error && typeof error.statusCode === 'number') {
    return error.statusCode
  }
  return undefined
}

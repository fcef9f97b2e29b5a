// Thin wrappers over the docker CLI (simpler than the Engine API for builds/imports, and the
// CLI is what an operator would type to reproduce a failure).
import { spawn } from 'node:child_process'
import { createWriteStream } from 'node:fs'

export interface RunResult {
  code: number
  stdout: string
  stderr: string
}

export interface RunOptions {
  cwd?: string
  env?: NodeJS.ProcessEnv
  timeoutMs?: number
  /** When set, stdout and stderr are appended to this file as they arrive. */
  logFile?: string
  input?: NodeJS.ReadableStream
}

export function run(command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: [options.input ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    })
    const log = options.logFile ? createWriteStream(options.logFile, { flags: 'a' }) : undefined
    let stdout = ''
    let stderr = ''
    // Keep memory bounded on long builds: the full text is in the log file.
    const keep = (text: string): string => (text.length > 200_000 ? text.slice(-200_000) : text)
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout = keep(stdout + chunk.toString())
      log?.write(chunk)
    })
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = keep(stderr + chunk.toString())
      log?.write(chunk)
    })
    if (options.input && child.stdin) options.input.pipe(child.stdin)
    const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : undefined
    const finish = (code: number, extra = ''): void => {
      if (timer) clearTimeout(timer)
      const done = (): void => resolve({ code, stdout, stderr: stderr + extra })
      if (log) log.end(done)
      else done()
    }
    child.on('error', (error) => finish(127, `${error.message}\n`))
    child.on('close', (code, signal) =>
      finish(code ?? (signal ? 137 : 1), signal ? `killed by ${signal}\n` : ''),
    )
  })
}

export function docker(args: string[], options: RunOptions = {}): Promise<RunResult> {
  return run('docker', args, options)
}

export type EngineCheck = { ok: true; serverVersion: string } | { ok: false; reason: string }

export async function checkEngine(): Promise<EngineCheck> {
  const result = await docker(['info', '--format', '{{.ServerVersion}}'], { timeoutMs: 20_000 })
  const version = result.stdout.trim()
  if (result.code === 0 && version !== '') return { ok: true, serverVersion: version }
  const reason = (result.stderr.trim().split('\n').pop() ?? '') || `docker info exited with ${result.code}`
  return { ok: false, reason }
}

/** The image id for a reference, or undefined when no such image exists locally. */
export async function imageId(reference: string): Promise<string | undefined> {
  const result = await docker(['image', 'inspect', '--format', '{{.Id}}', reference], { timeoutMs: 30_000 })
  const id = result.stdout.trim()
  return result.code === 0 && id !== '' ? id : undefined
}

export async function tagImage(source: string, target: string): Promise<void> {
  const result = await docker(['tag', source, target], { timeoutMs: 30_000 })
  if (result.code !== 0) throw new Error(`docker tag ${source} ${target} failed: ${result.stderr.trim()}`)
}

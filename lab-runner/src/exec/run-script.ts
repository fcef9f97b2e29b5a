// Runs a lab's check / solve / setup script inside a sandbox container (by default the
// grader, which learners cannot log into, so they cannot fake a pass from their own shell).
// Convention (Instruqt / Killercoda): exit code 0 passes; lines starting `FAIL:` and `HINT:`
// become the learner's feedback. A failing check is a result, never an exception.
import type { ContainerAccess } from '../engine/sandbox-engine'
import { CappedBuffer, dockerErrorMessage, execCapture } from './container-exec'
import { findSandboxHost, unknownHostMessage, type SandboxHostsView } from './sandbox-host'
import { DEFAULT_SCRIPT_HOST } from '../../../contracts/lab-definition'
import type { ScriptFeedback, ScriptResult } from '../../../contracts/runner-api'

export const DEFAULT_OUTPUT_CAP_BYTES = 64 * 1024
const MAX_FEEDBACK_LINES = 50
const MAX_FEEDBACK_LINE_CHARS = 500
/** Extra wait after the hard timeout before we stop listening (the kill itself is `timeout -s KILL`). */
const DEADLINE_GRACE_MS = 5_000

export interface RunScriptOptions {
  docker: ContainerAccess
  sandbox: SandboxHostsView
  /** Service to run in; defaults to `grader`. */
  host?: string
  /** The script's text (bash). */
  script: string
  timeoutS: number
  /** Container user; the image's default user when omitted. */
  user?: string
  env?: Readonly<Record<string, string>>
  maxOutputBytes?: number
}

// The script arrives on stdin (no size limit from argv, no quoting), is written to a private
// temp file, and runs under `timeout -s KILL`, which kills the whole process group.
// stdin of the script itself is /dev/null so a script that reads stdin cannot hang.
const WRAPPER = [
  'set -u',
  'f=$(mktemp /tmp/.helix-script.XXXXXX) || exit 125',
  'cat > "$f"',
  'timeout -s KILL "$1" bash "$f" < /dev/null',
  'rc=$?',
  'rm -f "$f"',
  'exit $rc',
].join('\n')

export async function runScript(options: RunScriptOptions): Promise<ScriptResult> {
  const hostName = options.host ?? DEFAULT_SCRIPT_HOST
  const host = findSandboxHost(options.sandbox, hostName)
  const failed = (code: 'host-unknown' | 'exec-failed', message: string): ScriptResult => ({
    passed: false,
    exitCode: null,
    durationMs: 0,
    output: '',
    feedback: { fail: [message], hint: [] },
    timedOut: false,
    error: { code, message },
  })
  if (host === undefined) return failed('host-unknown', unknownHostMessage(options.sandbox, hostName))

  const timeoutS = Math.max(1, Math.ceil(options.timeoutS))
  const output = new CappedBuffer(options.maxOutputBytes ?? DEFAULT_OUTPUT_CAP_BYTES)
  const feedback = createFeedbackParser()
  let result
  try {
    result = await execCapture({
      docker: options.docker,
      containerId: host.containerId,
      cmd: ['sh', '-c', WRAPPER, 'helix-script', String(timeoutS)],
      env: options.env,
      user: options.user,
      stdin: Buffer.from(options.script, 'utf8'),
      deadlineMs: timeoutS * 1000 + DEADLINE_GRACE_MS,
      onOutput: (_stream, chunk) => {
        output.push(chunk)
        feedback.push(chunk)
      },
    })
  } catch (error) {
    return failed(
      'exec-failed',
      `could not run the script on host "${hostName}": ${dockerErrorMessage(error)}`,
    )
  }

  // `timeout -s KILL` makes the exit status 128 + 9; a script killed by the OOM killer looks
  // the same, so we also require that the time limit was actually reached.
  const killedAtLimit = result.exitCode === 137 && result.durationMs >= timeoutS * 1000 - 250
  const timedOut = result.deadlineHit || killedAtLimit
  let text = output.toBuffer().toString('utf8')
  if (output.truncated) text += `\n[truncated: ${output.dropped} more bytes of output]`
  const parsed = feedback.finish()
  if (timedOut) parsed.fail.push(`The script did not finish within ${timeoutS} s and was stopped.`)
  return {
    passed: result.exitCode === 0 && !timedOut,
    exitCode: result.exitCode,
    durationMs: result.durationMs,
    output: text,
    feedback: parsed,
    timedOut,
  }
}

/**
 * Collects `FAIL:` / `HINT:` lines from the whole output, even past the output cap (a check
 * that floods logs should still get its verdict shown). Memory stays bounded: partial lines
 * are cut at a few KiB and at most MAX_FEEDBACK_LINES of each kind are kept.
 */
export function createFeedbackParser(): { push(chunk: Buffer): void; finish(): ScriptFeedback } {
  const fail: string[] = []
  const hint: string[] = []
  let partial = ''
  const take = (line: string) => {
    const clean = line.replace(/\r$/, '')
    for (const [prefix, list] of [
      ['FAIL:', fail],
      ['HINT:', hint],
    ] as const) {
      if (clean.startsWith(prefix) && list.length < MAX_FEEDBACK_LINES) {
        list.push(clean.slice(prefix.length).trim().slice(0, MAX_FEEDBACK_LINE_CHARS))
      }
    }
  }
  // A streaming decoder keeps multi-byte characters split across chunks intact.
  const decoder = new TextDecoder('utf-8')
  return {
    push(chunk) {
      partial += decoder.decode(chunk, { stream: true })
      const lines = partial.split('\n')
      partial = (lines.pop() ?? '').slice(0, 4096)
      for (const line of lines) take(line)
    },
    finish() {
      partial += decoder.decode()
      if (partial !== '') take(partial)
      partial = ''
      return { fail, hint }
    },
  }
}

// Runs a lab's setup/cleanup hook with the checks runner (from the grader unless the hook names a host).
import type { ContainerAccess } from '../engine/sandbox-engine'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { runScript } from '../exec/run-script'
import type { HookRunner } from './sandbox-registry'

const HOOK_TIMEOUT_S = 120

export function createHookRunner(
  docker: ContainerAccess,
  env: (sandboxId: string) => Record<string, string> | undefined,
): HookRunner {
  return async ({ sandbox, lab, hook }) => {
    const ref = lab.definition.hooks[hook]
    if (!ref) return { ok: true, message: 'no hook' }
    const result = await runScript({
      docker,
      sandbox,
      host: ref.host,
      script: readFileSync(path.resolve(lab.dir, ref.script), 'utf8'),
      timeoutS: ref.timeoutS ?? HOOK_TIMEOUT_S,
      env: env(sandbox.id),
    })
    if (result.passed) return { ok: true, message: `${hook} passed in ${result.durationMs} ms` }
    const why = result.timedOut
      ? 'timed out'
      : (result.error?.message ?? `exit code ${result.exitCode ?? 'none'}`)
    return {
      ok: false,
      message: `${hook} hook ${ref.script} ${why}: ${result.feedback.fail.join('; ') || result.output.slice(-500)}`,
    }
  }
}

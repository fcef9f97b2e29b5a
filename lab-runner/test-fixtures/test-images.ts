// Builds the images lab-runner tests use, once per machine (cached by tag).
import { execFileSync } from 'node:child_process'
import path from 'node:path'

export const TEST_SHELL_IMAGE = 'helix-academy/test-shell:1'

const here = import.meta.dirname

export function ensureTestShellImage(): void {
  // flock: parallel test workers must not bootstrap or build the same image twice.
  execFileSync(
    'flock',
    [
      '/tmp/helix-academy-test-shell.lock',
      'bash',
      '-c',
      `docker image inspect ${TEST_SHELL_IMAGE} >/dev/null 2>&1 && exit 0
       "${path.join(here, 'ensure-base-image.sh')}"
       docker build -q -t ${TEST_SHELL_IMAGE} --label academy.test=1 "${path.join(here, 'images/test-shell')}"`,
    ],
    { stdio: ['ignore', 'ignore', 'inherit'], timeout: 300_000 },
  )
}

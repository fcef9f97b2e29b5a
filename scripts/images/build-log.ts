// Reading a failed `docker build` log: which step failed, and its last lines.
import { readFile } from 'node:fs/promises'

/** The last build step that started, e.g. `Step 4/9 : RUN apt-get install ...` (legacy builder) or `[3/5] RUN ...` (BuildKit). */
export function failingStep(log: string): string | undefined {
  let step: string | undefined
  for (const line of log.split('\n')) {
    const legacy = /^Step \d+\/\d+ : .*/.exec(line)
    const buildkit = /^#\d+ \[(?:[^\]]*\s)?\d+\/\d+\] .*/.exec(line)
    const found = legacy?.[0] ?? buildkit?.[0]
    if (found) step = found.length > 300 ? `${found.slice(0, 300)}…` : found
  }
  return step
}

export async function logTail(file: string, lines = 25): Promise<string> {
  try {
    const text = await readFile(file, 'utf8')
    return text.trimEnd().split('\n').slice(-lines).join('\n')
  } catch {
    return '(no build log)'
  }
}

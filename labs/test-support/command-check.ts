// Test-only: proves that every command the lab's texts tell a learner to run
// (./runnable-commands.ts) exists on the host the text names, in the shell the learner gets there:
// the lab terminal's user (`learner` where the image has one, else the image's user) in a login
// shell (`bash -l`, as the images' tmux.conf starts it), which resets PATH from /etc/profile.
import { readFileSync } from 'node:fs'
import { runnableCommands, type RunnableCommand } from './runnable-commands'
import type { LabSandbox } from './lab-harness'

/** The terminal's rule (terminal-server.ts): `learner` where the image has that user, else the image's user. */
async function learnerShellUser(lab: LabSandbox, host: string): Promise<string | undefined> {
  const result = await lab.exec(host, 'id -u learner >/dev/null 2>&1')
  return result.exitCode === 0 ? 'learner' : undefined
}

/** Commands whose program the learner's shell on the named host cannot find (empty when all exist). */
export async function missingCommands(lab: LabSandbox): Promise<RunnableCommand[]> {
  const commands = runnableCommands(lab.lab)
  if (commands.length === 0)
    throw new Error(`lab "${lab.lab.definition.slug}" has no runnable command blocks to check`)
  const missing: RunnableCommand[] = []
  const hosts = [...new Set(commands.map((c) => c.host))]
  for (const host of hosts) {
    const programs = [...new Set(commands.filter((c) => c.host === host).map((c) => c.program))]
    const user = await learnerShellUser(lab, host)
    const quoted = programs.map((p) => `'${p.replace(/'/g, `'\\''`)}'`).join(' ')
    const script = `bash -lic 'for w; do command -v -- "$w" >/dev/null || echo "MISSING $w"; done' check ${quoted} 2>/dev/null`
    const result = await lab.exec(host, script, user ? { user } : {})
    if (result.exitCode !== 0) throw new Error(`could not look up commands on ${host}: ${result.output}`)
    const absent = new Set([...result.output.matchAll(/^MISSING (\S+)$/gm)].map((m) => m[1]))
    missing.push(...commands.filter((c) => c.host === host && absent.has(c.program)))
  }
  return missing
}

/** One line per missing command, for assertion messages. */
export function describeMissing(missing: RunnableCommand[]): string {
  return missing.map((c) => `${c.program} not found on ${c.host} (${c.source})`).join('\n')
}

/** Runs a command as the learner types it in the host's lab terminal: its user, a login shell. */
export async function execInLearnerShell(lab: LabSandbox, host: string, command: string, timeoutS = 60) {
  const user = await learnerShellUser(lab, host)
  const quoted = `'${command.replace(/'/g, `'\\''`)}'`
  return lab.exec(host, `bash -lc ${quoted}`, { timeoutS, ...(user ? { user } : {}) })
}

/** The code of the `run` block inside the `<Callout title="…">` of a step page, exactly as written. */
export function calloutCommand(stepFile: string, title: string): string {
  const text = readFileSync(stepFile, 'utf8')
  const start = text.indexOf(`title="${title}"`)
  const end = text.indexOf('</Callout>', start)
  const block = start < 0 || end < 0 ? null : /```\w+ run\n([\s\S]*?)\n```/.exec(text.slice(start, end))
  if (!block?.[1]) throw new Error(`${stepFile} has no callout "${title}" with a run block`)
  return block[1]
}

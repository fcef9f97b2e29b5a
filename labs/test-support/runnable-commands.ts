// Test-only: every command a learner is told to run in a lab, with the host the text names.
// Sources are the lab's step pages and the course lessons that list the lab (`labs: [slug]`):
// each fenced block marked `run` (```bash run) is a runnable block. Its host is the last shell
// host of the lab written in bold before it (`**pg-replica**`, as in "Choose the **pg-replica**
// tab"), else the lab's first shell host (the workstation). A lab test proves that the first
// word of every command exists on that host (labs/test-support/command-check.ts).
import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import YAML from 'yaml'
import type { LoadedLab } from '../../contracts/load-lab-definitions'

export interface RunnableCommand {
  /** Where the block is: file (relative to the repository) and the block's first line. */
  source: string
  host: string
  /** The program the learner's shell must find (`command -v`). */
  program: string
}

const REPO = path.resolve(import.meta.dirname, '../..')
const COURSES = path.join(REPO, 'content/courses')
const FENCE = /^```([^\n`]*)\n([\s\S]*?)^```\s*$/gm
// Words that start or continue a compound command: the program comes after them.
const LEADING_KEYWORDS = new Set(['do', 'then', 'else', 'elif', '{', '!', 'time', 'if', 'while', 'until'])
// Segments that are syntax, not a program: a `for … in …` head, closers.
const SKIP_KEYWORDS = new Set(['for', 'done', 'fi', '}', 'esac', 'case', 'in'])

/** `2>&1`, `&>file`, `>|file`: redirections, not command separators. */
function isRedirect(before: string, c: string, next: string): boolean {
  return (
    (c === '&' && (before.endsWith('>') || before.endsWith('<') || next === '>')) ||
    (c === '|' && before.endsWith('>'))
  )
}

/**
 * Splits shell text into simple commands at `;`, `&&`, `||`, `|`, `&` and newlines outside
 * quotes, `$(…)` and backslash-newline continuations; drops heredoc bodies and comments.
 */
export function splitCommands(text: string): string[] {
  const commands: string[] = []
  let current = ''
  let quote: "'" | '"' | null = null
  let depth = 0
  let heredoc: string | null = null
  const lines = text.split('\n')
  for (let li = 0; li < lines.length; li++) {
    const line = lines[li] ?? ''
    if (heredoc !== null) {
      if (line.trim() === heredoc) heredoc = null
      continue
    }
    const marker = quote === null && depth === 0 ? /<<-?\s*(['"]?)([A-Za-z_]\w*)\1/.exec(line) : null
    for (let i = 0; i < line.length; i++) {
      const c = line[i] ?? ''
      const next = line[i + 1] ?? ''
      if (quote === "'") {
        if (c === "'") quote = null
        current += c
        continue
      }
      if (c === '\\') {
        if (i === line.length - 1) break // continuation: the command goes on next line
        current += c + next
        i++
        continue
      }
      if (quote === '"') {
        if (c === '"') quote = null
        current += c
        continue
      }
      if (c === "'" || c === '"') quote = c
      else if (c === '$' && next === '(') {
        depth++
        current += '$('
        i++
        continue
      } else if (c === ')' && depth > 0) depth--
      else if (depth === 0 && c === '#' && (current === '' || /\s$/.test(current))) break
      else if (depth === 0 && (c === ';' || c === '|' || c === '&') && !isRedirect(current, c, next)) {
        commands.push(current)
        current = ''
        if (next === c) i++
        continue
      }
      current += c
    }
    const continued = line.endsWith('\\') && !line.endsWith('\\\\')
    if (quote === null && depth === 0 && !continued) {
      commands.push(current)
      current = ''
    } else current += quote || depth ? '\n' : ' '
    if (marker) heredoc = marker[2] ?? null
  }
  commands.push(current)
  return commands.map((c) => c.trim()).filter((c) => c !== '')
}

/** Shell words: split at whitespace outside quotes and `$(…)`. */
function wordsOf(command: string): string[] {
  const words: string[] = []
  let word = ''
  let quote: string | null = null
  let depth = 0
  for (let i = 0; i < command.length; i++) {
    const c = command[i] ?? ''
    if (quote) {
      if (c === quote) quote = null
    } else if (c === "'" || c === '"') quote = c
    else if (c === '$' && command[i + 1] === '(') depth++
    else if (c === ')' && depth > 0) depth--
    else if (/\s/.test(c) && depth === 0) {
      if (word) words.push(word)
      word = ''
      continue
    }
    word += c
  }
  if (word) words.push(word)
  return words
}

/** The program a simple command runs, or undefined for syntax, functions it defines, paths. */
export function programOf(command: string, functions: Set<string>): string | undefined {
  const words = wordsOf(command)
  let i = 0
  while (i < words.length && (LEADING_KEYWORDS.has(words[i] ?? '') || /^[A-Za-z_]\w*=/.test(words[i] ?? '')))
    i++
  const word = words[i]
  if (word === undefined || word === '' || SKIP_KEYWORDS.has(word)) return undefined
  const definition = /^([A-Za-z_][\w-]*)\(\)$/.exec(word) ?? (words[i + 1] === '()' ? [word, word] : null)
  if (definition) {
    functions.add(definition[1] ?? '')
    const body = command.slice(command.indexOf('{') + 1).trim()
    return body ? programOf(body, functions) : undefined
  }
  // Paths are scripts the learner writes in the step (~/backup.sh); variables are not programs.
  if (/^[~/.$"'(]/.test(word) || functions.has(word)) return undefined
  return word
}

function runnableBlocks(
  file: string,
  shellHosts: readonly string[],
): { line: number; host: string; code: string }[] {
  const text = readFileSync(file, 'utf8')
  const blocks: { line: number; host: string; code: string }[] = []
  const named = new RegExp(`\\*\\*(${shellHosts.map((h) => h.replace(/[-]/g, '\\-')).join('|')})\\*\\*`, 'g')
  for (const match of text.matchAll(FENCE)) {
    const meta = (match[1] ?? '').trim().split(/\s+/)
    if (!meta.slice(1).includes('run')) continue
    const before = text.slice(0, match.index)
    const hosts = [...before.matchAll(named)].map((m) => m[1] ?? '')
    blocks.push({
      line: before.split('\n').length,
      host: hosts.at(-1) ?? shellHosts[0] ?? 'workstation',
      code: match[2] ?? '',
    })
  }
  return blocks
}

function lessonFilesFor(labSlug: string): string[] {
  const files: string[] = []
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name)
      if (statSync(full).isDirectory()) walk(full)
      else if (name.endsWith('.mdx') && full.includes(`${path.sep}lessons${path.sep}`)) {
        const front = /^---\n([\s\S]*?)\n---/.exec(readFileSync(full, 'utf8'))
        const labs = (YAML.parse(front?.[1] ?? '') as { labs?: unknown } | null)?.labs
        if (Array.isArray(labs) && labs.includes(labSlug)) files.push(full)
      }
    }
  }
  walk(COURSES)
  return files.sort()
}

/** Every runnable command of the lab's steps and of the lessons that list the lab. */
export function runnableCommands(lab: LoadedLab): RunnableCommand[] {
  const shellHosts = lab.definition.shellHosts
  const files = [
    ...lab.definition.steps.map((s) => path.resolve(lab.dir, s.instructions)),
    ...lessonFilesFor(lab.definition.slug),
  ]
  const commands: RunnableCommand[] = []
  for (const file of files) {
    for (const block of runnableBlocks(file, shellHosts)) {
      const functions = new Set<string>()
      for (const command of splitCommands(block.code)) {
        const program = programOf(command, functions)
        if (program)
          commands.push({ source: `${path.relative(REPO, file)}:${block.line}`, host: block.host, program })
      }
    }
  }
  return commands
}

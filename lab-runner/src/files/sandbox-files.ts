// Read and write text files inside a sandbox container for the in-browser editor.
// Everything goes through `docker exec` of small POSIX shell scripts (no tools beyond
// coreutils), and every refusal is a typed result with a message a learner can act on.
import type { ContainerAccess } from '../engine/sandbox-engine'
import { CappedBuffer, dockerErrorMessage, execCapture } from '../exec/container-exec'
import { findSandboxHost, unknownHostMessage, type SandboxHostsView } from '../exec/sandbox-host'
import { checkEditablePath, isEditable, type EditableFileRule } from '../../../contracts/editable-paths'

export const DEFAULT_MAX_FILE_BYTES = 512 * 1024
const EXEC_DEADLINE_MS = 15_000

export type FileRefusalCode =
  | 'path-invalid'
  | 'path-not-editable'
  | 'host-unknown'
  | 'not-found'
  | 'not-a-file'
  | 'too-large'
  | 'not-text'
  | 'permission-denied'
  | 'changed-during-write'
  | 'exec-failed'

export type FileRefusal = { status: 'refused'; code: FileRefusalCode; message: string }

export interface SandboxFileTarget {
  docker: ContainerAccess
  sandbox: SandboxHostsView
  host: string
  /** Absolute path as the learner sees it. */
  path: string
  /** The lab's `editableFiles` (entries ending in "/" allow a whole directory). */
  editableFiles: ReadonlyArray<EditableFileRule>
  /** Container user for the file operations; the image's default user when omitted. */
  user?: string
  maxBytes?: number
}

export type ReadFileResult =
  | {
      status: 'ok'
      path: string
      /** Where the path leads after symlinks. */
      resolvedPath: string
      content: string
      size: number
      /** Octal permission bits, e.g. "644". */
      mode: string
      /** "user:group" */
      owner: string
    }
  | FileRefusal

export type WriteFileResult = { status: 'ok'; path: string; resolvedPath: string; size: number } | FileRefusal

const refuse = (code: FileRefusalCode, message: string): FileRefusal => ({ status: 'refused', code, message })

// $1 path, $2 max bytes. Prints "<resolved>\0<size> <mode> <user>:<group>\0" then the content.
const READ_SCRIPT = `
p=$(realpath -e -- "$1" 2>/dev/null) || exit 3
printf '%s\\0' "$p"
[ -f "$p" ] || exit 4
[ -r "$p" ] || exit 5
meta=$(stat -c '%s %a %U:%G' -- "$p") || exit 5
printf '%s\\0' "$meta"
[ "\${meta%% *}" -le "$2" ] || exit 6
head -c "$(($2 + 1))" -- "$p"
`

// $1 path. Prints the resolved path (the last component may not exist yet) and its kind.
const RESOLVE_SCRIPT = `
p=$(realpath -m -- "$1" 2>/dev/null) || exit 3
if [ -d "$p" ]; then kind=dir; elif [ -e "$p" ]; then kind=file; else kind=new; fi
printf '%s\\0%s\\0' "$p" "$kind"
`

// $1 requested path, $2 the resolved path we validated, $3 max bytes + 1. Content on stdin.
// Writes a temp file in the same directory, copies owner and mode from the old file, then
// renames over it (atomic for readers). A bind-mounted single file cannot be renamed over
// (EBUSY), so that case falls back to overwriting in place.
const WRITE_SCRIPT = `
set -u
p=$(realpath -m -- "$1" 2>/dev/null) || exit 3
[ "$p" = "$2" ] || exit 7
[ -d "$p" ] && exit 4
dir=\${p%/*}; [ -n "$dir" ] || dir=/
[ -d "$dir" ] || exit 3
tmp=$(mktemp -- "$dir/.helix-edit.XXXXXX" 2>/dev/null) || exit 5
trap 'rm -f -- "$tmp"' EXIT
head -c "$3" > "$tmp" || exit 5
if [ -e "$p" ]; then
  chown --reference="$p" -- "$tmp" 2>/dev/null || true
  chmod --reference="$p" -- "$tmp" || exit 5
else
  chown --reference="$dir" -- "$tmp" 2>/dev/null || true
  chmod 0644 -- "$tmp" || exit 5
fi
mv -f -- "$tmp" "$p" 2>/dev/null || cat -- "$tmp" > "$p" || exit 5
`

async function runFileScript(
  target: SandboxFileTarget,
  containerId: string,
  script: string,
  args: string[],
  stdin?: Buffer,
): Promise<{ exitCode: number | null; stdout: Buffer; stderr: string } | FileRefusal> {
  const maxBytes = target.maxBytes ?? DEFAULT_MAX_FILE_BYTES
  const stdout = new CappedBuffer(maxBytes + 8 * 1024)
  const stderr = new CappedBuffer(4 * 1024)
  try {
    const result = await execCapture({
      docker: target.docker,
      containerId,
      cmd: ['sh', '-c', script, 'helix-files', ...args],
      user: target.user,
      stdin,
      deadlineMs: EXEC_DEADLINE_MS,
      onOutput: (stream, chunk) => (stream === 'stdout' ? stdout : stderr).push(chunk),
    })
    return {
      exitCode: result.exitCode,
      stdout: stdout.toBuffer(),
      stderr: stderr.toBuffer().toString('utf8').trim(),
    }
  } catch (error) {
    return refuse(
      'exec-failed',
      `could not reach host "${target.host}" to access ${target.path}: ${dockerErrorMessage(error)}`,
    )
  }
}

/** Splits `count` NUL-terminated fields off the front of `buffer`. */
function takeFields(buffer: Buffer, count: number): { fields: string[]; rest: Buffer } {
  const fields: string[] = []
  let rest = buffer
  for (let i = 0; i < count; i++) {
    const end = rest.indexOf(0)
    if (end === -1) break
    fields.push(rest.subarray(0, end).toString('utf8'))
    rest = rest.subarray(end + 1)
  }
  return { fields, rest }
}

function resolveTarget(target: SandboxFileTarget): { containerId: string } | FileRefusal {
  const host = findSandboxHost(target.sandbox, target.host)
  if (host === undefined) return refuse('host-unknown', unknownHostMessage(target.sandbox, target.host))
  const requested = checkEditablePath(target.editableFiles, target.host, target.path)
  if (!requested.ok) return refuse(requested.code, requested.message)
  return { containerId: host.containerId }
}

function checkResolved(target: SandboxFileTarget, resolvedPath: string): FileRefusal | undefined {
  if (resolvedPath === target.path) return undefined
  const check = checkEditablePath(
    target.editableFiles,
    target.host,
    resolvedPath,
    `${target.path} leads (through a symlink) to`,
  )
  return check.ok ? undefined : refuse(check.code, check.message)
}

export async function readSandboxFile(target: SandboxFileTarget): Promise<ReadFileResult> {
  const resolved = resolveTarget(target)
  if ('status' in resolved) return resolved
  const maxBytes = target.maxBytes ?? DEFAULT_MAX_FILE_BYTES
  const run = await runFileScript(target, resolved.containerId, READ_SCRIPT, [target.path, String(maxBytes)])
  if ('status' in run) return run
  const { fields, rest } = takeFields(run.stdout, 2)
  const [resolvedPath, meta] = fields
  // Judge where the path really leads before looking at anything else the script said.
  if (resolvedPath !== undefined) {
    const escape = checkResolved(target, resolvedPath)
    if (escape !== undefined) return escape
  }
  switch (run.exitCode) {
    case 0:
      break
    case 3:
      return refuse('not-found', `${target.path} does not exist on host "${target.host}"`)
    case 4:
      return refuse('not-a-file', `${target.path} on host "${target.host}" is not a regular file`)
    case 5:
      return refuse(
        'permission-denied',
        `${target.path} on host "${target.host}" cannot be read: permission denied`,
      )
    case 6:
      return refuse(
        'too-large',
        `${target.path} is ${meta?.split(' ')[0] ?? 'too many'} bytes; the editor opens files up to ${maxBytes} bytes (use the terminal for bigger files)`,
      )
    default:
      return refuse(
        'exec-failed',
        `reading ${target.path} failed (exit ${run.exitCode ?? 'none'}): ${run.stderr || 'no message'}`,
      )
  }
  if (resolvedPath === undefined || meta === undefined)
    return refuse('exec-failed', `reading ${target.path} returned no file information`)
  if (rest.length > maxBytes) {
    return refuse(
      'too-large',
      `${target.path} grew past ${maxBytes} bytes while being read; the editor opens files up to ${maxBytes} bytes`,
    )
  }
  const content = decodeText(rest)
  if (content === undefined) {
    return refuse(
      'not-text',
      `${target.path} is not UTF-8 text (it may be binary); the editor only opens text files`,
    )
  }
  const [size, mode, owner] = meta.split(' ')
  return {
    status: 'ok',
    path: target.path,
    resolvedPath,
    content,
    size: Number(size),
    mode: mode ?? '',
    owner: owner ?? '',
  }
}

export async function writeSandboxFile(
  target: SandboxFileTarget & { content: string },
): Promise<WriteFileResult> {
  const resolved = resolveTarget(target)
  if ('status' in resolved) return resolved
  const maxBytes = target.maxBytes ?? DEFAULT_MAX_FILE_BYTES
  const bytes = Buffer.from(target.content, 'utf8')
  if (bytes.length > maxBytes) {
    return refuse(
      'too-large',
      `the new content is ${bytes.length} bytes; the editor saves files up to ${maxBytes} bytes`,
    )
  }
  if (bytes.includes(0))
    return refuse('not-text', 'the new content contains NUL bytes; the editor only saves text')

  const probe = await runFileScript(target, resolved.containerId, RESOLVE_SCRIPT, [target.path])
  if ('status' in probe) return probe
  const [resolvedPath, kind] = takeFields(probe.stdout, 2).fields
  if (probe.exitCode !== 0 || resolvedPath === undefined) {
    return refuse(
      'exec-failed',
      `resolving ${target.path} failed: ${probe.stderr || `exit ${probe.exitCode ?? 'none'}`}`,
    )
  }
  const escape = checkResolved(target, resolvedPath)
  if (escape !== undefined) return escape
  if (kind === 'dir') return refuse('not-a-file', `${target.path} on host "${target.host}" is a directory`)

  const run = await runFileScript(
    target,
    resolved.containerId,
    WRITE_SCRIPT,
    [target.path, resolvedPath, String(maxBytes + 1)],
    bytes,
  )
  if ('status' in run) return run
  switch (run.exitCode) {
    case 0:
      return { status: 'ok', path: target.path, resolvedPath, size: bytes.length }
    case 3:
      return refuse('not-found', `the folder of ${target.path} does not exist on host "${target.host}"`)
    case 4:
      return refuse('not-a-file', `${target.path} on host "${target.host}" is a directory`)
    case 5:
      return refuse(
        'permission-denied',
        `${target.path} on host "${target.host}" cannot be written: ${run.stderr || 'permission denied'}`,
      )
    case 7:
      return refuse(
        'changed-during-write',
        `${target.path} changed (a symlink moved) while saving; nothing was written — try again`,
      )
    default:
      return refuse(
        'exec-failed',
        `saving ${target.path} failed (exit ${run.exitCode ?? 'none'}): ${run.stderr || 'no message'}`,
      )
  }
}

export interface EditableFileEntry {
  host: string
  path: string
  /** `null` when the file does not exist (yet). */
  size: number | null
}

// $1 max bytes, then paths; a path ending in "/" is a directory whose files are listed.
// Prints "<size>\t<path>\0" per file, "-\t<path>\0" for a listed file that is missing.
const LIST_SCRIPT = `
max=$1; shift
for p in "$@"; do
  case "$p" in
    */) [ -d "$p" ] && find "$p" -maxdepth 4 -type f -size -"$((max / 1024 + 1))"k -printf '%s\\t%p\\0' 2>/dev/null | head -z -n 500 ;;
    *) if [ -f "$p" ]; then stat -c '%s' -- "$p" | tr -d '\\n'; printf '\\t%s\\0' "$p"; else printf -- '-\\t%s\\0' "$p"; fi ;;
  esac
done
`

/** The editable files of one host (directory rules expanded), for the editor's file list. */
export async function listEditableFiles(options: {
  docker: ContainerAccess
  sandbox: SandboxHostsView
  host: string
  editableFiles: ReadonlyArray<EditableFileRule>
  user?: string
  maxBytes?: number
}): Promise<{ status: 'ok'; files: EditableFileEntry[] } | FileRefusal> {
  const host = findSandboxHost(options.sandbox, options.host)
  if (host === undefined) return refuse('host-unknown', unknownHostMessage(options.sandbox, options.host))
  const rules = options.editableFiles.filter((rule) => rule.host === options.host)
  if (rules.length === 0) return { status: 'ok', files: [] }
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_FILE_BYTES
  const target: SandboxFileTarget = { ...options, path: rules[0]?.path ?? '/', maxBytes: 256 * 1024 }
  const run = await runFileScript(target, host.containerId, LIST_SCRIPT, [
    String(maxBytes),
    ...rules.map((rule) => rule.path),
  ])
  if ('status' in run) return run
  const files: EditableFileEntry[] = []
  const seen = new Set<string>()
  for (const record of run.stdout.toString('utf8').split('\0')) {
    const tab = record.indexOf('\t')
    if (tab === -1) continue
    const size = record.slice(0, tab)
    const filePath = record.slice(tab + 1)
    // Only list what the editor would then agree to open.
    if (
      seen.has(filePath) ||
      !isEditable(rules, options.host, filePath) ||
      !checkEditablePath(rules, options.host, filePath).ok
    )
      continue
    seen.add(filePath)
    files.push({ host: options.host, path: filePath, size: size === '-' ? null : Number(size) })
  }
  files.sort((a, b) => a.path.localeCompare(b.path))
  return { status: 'ok', files }
}

/** Strict UTF-8 without NUL bytes, or `undefined` for anything that looks binary. */
function decodeText(bytes: Buffer): string | undefined {
  if (bytes.includes(0)) return undefined
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes)
  } catch {
    return undefined
  }
}

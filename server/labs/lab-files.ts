import 'server-only'
// The editor's files, read and saved through the web app: only files the lab lists as
// editable, only in the learner's own sandbox. The runner checks the allow-list again after
// resolving symlinks inside the container.
import { isEditable } from '@/contracts/editable-paths'
import { AppError } from '@/server/errors'
import { requireActiveSession, requireLab } from './lab-session'
import type { LabInfo } from './list-labs'
import { runner } from './runner'
import { runnerFailure } from './runner-failure'

export interface EditableFile {
  host: string
  path: string
  /** Monaco language id: yaml, ini or plaintext. */
  language: string
  size: number | null
}

const LANGUAGE_BY_EXTENSION: Record<string, string> = {
  yaml: 'yaml',
  yml: 'yaml',
  ini: 'ini',
  conf: 'ini',
  cfg: 'ini',
  cnf: 'ini',
}

/** The lab's declared language wins; directory entries go by extension. */
export function editorLanguage(declared: string | undefined, filePath: string): string {
  const known = declared && ['yaml', 'ini'].includes(declared) ? declared : undefined
  if (known) return known
  if (declared === 'yml') return 'yaml'
  const ext = filePath.split('.').pop()?.toLowerCase() ?? ''
  return LANGUAGE_BY_EXTENSION[ext] ?? 'plaintext'
}

function requireEditable(lab: LabInfo, host: string, filePath: string): void {
  if (!isEditable(lab.editableFiles, host, filePath)) {
    throw new AppError('forbidden', `${host}:${filePath} is not one of this lab's editable files.`)
  }
}

export async function listLabFiles(options: {
  user: { id: string }
  labSlug: string
}): Promise<EditableFile[]> {
  const lab = await requireLab(options.labSlug)
  const session = await requireActiveSession(options.user.id, options.labSlug)
  const hosts = [...new Set(lab.editableFiles.map((f) => f.host))]
  const files: EditableFile[] = []
  for (const host of hosts) {
    const listed = await runner().listFiles(session.sandboxId, host)
    if (!listed.ok) throw await runnerFailure(listed, session.id)
    for (const entry of listed.value) {
      const rule = lab.editableFiles.find((f) => f.host === host && f.path === entry.path)
      files.push({
        host,
        path: entry.path,
        size: entry.size,
        language: editorLanguage(rule?.language, entry.path),
      })
    }
  }
  return files
}

export async function readLabFile(options: {
  user: { id: string }
  labSlug: string
  host: string
  path: string
}): Promise<{ content: string; size: number }> {
  const lab = await requireLab(options.labSlug)
  requireEditable(lab, options.host, options.path)
  const session = await requireActiveSession(options.user.id, options.labSlug)
  const read = await runner().readFile(session.sandboxId, options.host, options.path)
  if (!read.ok) {
    // A listed file that does not exist yet opens empty; saving creates it.
    if (read.code === 'not-found' && !read.message.startsWith('no sandbox')) return { content: '', size: 0 }
    throw await runnerFailure(read, session.id)
  }
  return { content: read.value.content, size: read.value.size }
}

export async function saveLabFile(options: {
  user: { id: string }
  labSlug: string
  host: string
  path: string
  content: string
}): Promise<{ size: number }> {
  const lab = await requireLab(options.labSlug)
  requireEditable(lab, options.host, options.path)
  if (options.content.length > 512 * 1024)
    throw new AppError('invalid', 'The file is too large to save from the editor (512 KiB at most).')
  const session = await requireActiveSession(options.user.id, options.labSlug)
  const saved = await runner().writeFile(session.sandboxId, options.host, options.path, options.content)
  if (!saved.ok) throw await runnerFailure(saved, session.id)
  return { size: saved.value.size }
}

// Which paths the in-browser editor may touch. A lab lists editable files per host
// (`editableFiles` in lab.yaml); an entry ending in "/" allows every file below that
// directory. Paths are checked twice: as requested, and again after the container has
// resolved symlinks (`realpath`), so a link cannot lead the editor out of the allowed set.
import path from 'node:path'

export interface EditableFileRule {
  host: string
  /** Absolute path; a trailing "/" means "any file below this directory". */
  path: string
}

export type PathCheck =
  { ok: true } | { ok: false; code: 'path-invalid' | 'path-not-editable'; message: string }

const MAX_PATH_LENGTH = 4096

/** Syntax only: absolute, normalized, no `.`/`..` segments, no NUL or control characters. */
export function checkPathSyntax(requested: string): PathCheck {
  const invalid = (why: string): PathCheck => ({
    ok: false,
    code: 'path-invalid',
    message: `invalid path ${JSON.stringify(requested.slice(0, 200))}: ${why}`,
  })
  if (requested.length === 0 || requested.length > MAX_PATH_LENGTH)
    return invalid(`must be 1–${MAX_PATH_LENGTH} characters`)
  if (/[\u0000-\u001f\u007f]/.test(requested)) return invalid('must not contain NUL or control characters')
  if (!requested.startsWith('/')) return invalid('must be absolute (start with "/")')
  if (requested.split('/').some((segment) => segment === '..' || segment === '.'))
    return invalid('must not contain "." or ".." segments')
  if (path.posix.normalize(requested) !== requested || (requested.endsWith('/') && requested !== '/')) {
    return invalid('must be normalized (no "//", no trailing "/")')
  }
  return { ok: true }
}

export function isEditable(rules: ReadonlyArray<EditableFileRule>, host: string, filePath: string): boolean {
  return rules.some((rule) => {
    if (rule.host !== host) return false
    if (rule.path.endsWith('/')) return filePath.startsWith(rule.path) && filePath.length > rule.path.length
    return filePath === rule.path
  })
}

/** Syntax plus allow-list; used on the requested path and again on the resolved one. */
export function checkEditablePath(
  rules: ReadonlyArray<EditableFileRule>,
  host: string,
  filePath: string,
  what = 'path',
): PathCheck {
  const syntax = checkPathSyntax(filePath)
  if (!syntax.ok) return syntax
  if (!isEditable(rules, host, filePath)) {
    return {
      ok: false,
      code: 'path-not-editable',
      message: `${what} ${filePath} on host "${host}" is not one of this lab's editable files`,
    }
  }
  return { ok: true }
}

// The content hash that names an image build: same inputs -> same tag -> no rebuild.
import { createHash } from 'node:crypto'
import { lstat, readdir, readFile, readlink } from 'node:fs/promises'
import path from 'node:path'

export interface HashInputs {
  /** Build context folders, each hashed under its in-context prefix ('' = the root). */
  contexts: { dir: string; prefix: string }[]
  buildArgs: Record<string, string>
  /** Image id of the base image (`docker image inspect --format {{.Id}}`). */
  baseImageId: string
}

async function listFiles(root: string, rel = ''): Promise<string[]> {
  const entries = await readdir(path.join(root, rel), { withFileTypes: true })
  const files: string[] = []
  for (const entry of entries) {
    const child = rel === '' ? entry.name : `${rel}/${entry.name}`
    if (entry.isDirectory()) files.push(...(await listFiles(root, child)))
    else files.push(child)
  }
  return files
}

/** First 12 hex digits of a sha256 over file paths, executable bits, contents, args and base id. */
export async function computeContextHash(inputs: HashInputs): Promise<string> {
  const lines: string[] = ['helix-academy-image-hash v1']
  const entries: string[] = []
  for (const { dir, prefix } of inputs.contexts) {
    for (const rel of await listFiles(dir)) {
      const full = path.join(dir, rel)
      const inContext = prefix === '' ? rel : `${prefix}/${rel}`
      const stat = await lstat(full)
      if (stat.isSymbolicLink()) {
        entries.push(`link ${inContext} -> ${await readlink(full)}`)
        continue
      }
      // Docker COPY keeps the mode: an executable bit change is a real change.
      const executable = (stat.mode & 0o111) !== 0 ? 'x' : '-'
      const digest = createHash('sha256')
        .update(await readFile(full))
        .digest('hex')
      entries.push(`file ${inContext} ${executable} ${digest}`)
    }
  }
  lines.push(...entries.sort())
  for (const key of Object.keys(inputs.buildArgs).sort()) lines.push(`arg ${key}=${inputs.buildArgs[key]}`)
  lines.push(`base ${inputs.baseImageId}`)
  return createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 12)
}

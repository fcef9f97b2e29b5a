// Media storage behind one small interface (docs/decisions/035-media-storage.md): local disk
// under MEDIA_DIR by default. Keys are relative, "/"-separated paths such as
// recordings/<lesson>/<id>/hls/720p/index.m3u8. No 'server-only': the worker uses it too.
import { createReadStream } from 'node:fs'
import { cp, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { Readable } from 'node:stream'

export interface StoredObject {
  size: number
  modifiedMs: number
}

export interface MediaStorage {
  /** Size and time of the object at `key`, or null when there is none. */
  stat(key: string): Promise<StoredObject | null>
  /** Bytes `start`–`end` (inclusive) of the object, or all of it. */
  read(key: string, range?: { start: number; end: number }): Readable
  readText(key: string): Promise<string | null>
  writeText(key: string, text: string): Promise<void>
  /** Moves a finished local folder in under `prefix` (replacing what was there), as one step. */
  importDir(localDir: string, prefix: string): Promise<void>
  /** Every key under `prefix`. */
  list(prefix: string): Promise<string[]>
  /** Removes everything under `prefix`. */
  removePrefix(prefix: string): Promise<void>
}

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/

/** A key is safe when every segment is a plain name: no "..", no absolute paths, no backslashes. */
export function isSafeKey(key: string): boolean {
  const parts = key.split('/')
  return parts.length > 0 && parts.every((p) => SEGMENT.test(p) && !p.includes('..'))
}

function checked(key: string): string {
  if (!isSafeKey(key)) throw new Error(`Not a media storage key: ${JSON.stringify(key)}`)
  return key
}

export function localDiskStorage(root: string): MediaStorage {
  const file = (key: string) => path.join(root, ...checked(key).split('/'))
  return {
    async stat(key) {
      if (!isSafeKey(key)) return null
      const info = await stat(file(key)).catch(() => null)
      return info?.isFile() ? { size: info.size, modifiedMs: info.mtimeMs } : null
    },
    read(key, range) {
      return createReadStream(file(key), range ? { start: range.start, end: range.end } : {})
    },
    async readText(key) {
      if (!isSafeKey(key)) return null
      return readFile(file(key), 'utf8').catch(() => null)
    },
    async writeText(key, text) {
      const target = file(key)
      await mkdir(path.dirname(target), { recursive: true })
      // Written beside and renamed, so a reader never sees half a file.
      await writeFile(`${target}.tmp`, text)
      await rename(`${target}.tmp`, target)
    },
    async importDir(localDir, prefix) {
      const target = file(prefix)
      await mkdir(path.dirname(target), { recursive: true })
      await rm(target, { recursive: true, force: true })
      try {
        await rename(localDir, target)
      } catch (error) {
        // Another file system (a temporary folder elsewhere): copy, then drop the original.
        if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error
        await cp(localDir, target, { recursive: true })
        await rm(localDir, { recursive: true, force: true })
      }
    },
    async list(prefix) {
      const base = file(prefix)
      const entries = await readdir(base, { recursive: true, withFileTypes: true }).catch(() => [])
      return entries
        .filter((e) => e.isFile())
        .map((e) => path.relative(root, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
        .sort()
    },
    async removePrefix(prefix) {
      await rm(file(prefix), { recursive: true, force: true })
    },
  }
}

import 'server-only'
import { execFile } from 'node:child_process'
import { open, readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import { z } from 'zod'
import { mediaDir } from './media-dir'
import { LESSON_SLUG, RECORDING_EXTENSIONS } from './media-files'

const run = promisify(execFile)

const metaSchema = z.object({
  durationSeconds: z
    .number()
    .positive()
    .max(24 * 3600),
})

async function statFile(file: string) {
  try {
    const s = await stat(file)
    return s.isFile() ? s : null
  } catch {
    return null
  }
}

/** PCM WAV: data bytes / byte rate, read from the RIFF header (no tool needed). */
async function wavDuration(file: string): Promise<number | null> {
  const handle = await open(file, 'r')
  try {
    const header = Buffer.alloc(4096)
    const { bytesRead } = await handle.read(header, 0, header.length, 0)
    if (header.toString('ascii', 0, 4) !== 'RIFF' || header.toString('ascii', 8, 12) !== 'WAVE') return null
    let byteRate = 0
    for (let at = 12; at + 8 <= bytesRead;) {
      const id = header.toString('ascii', at, at + 4)
      const size = header.readUInt32LE(at + 4)
      if (id === 'fmt ') byteRate = header.readUInt32LE(at + 16)
      if (id === 'data') return byteRate > 0 ? size / byteRate : null
      at += 8 + size + (size % 2)
    }
    return null
  } finally {
    await handle.close()
  }
}

async function probeDuration(file: string): Promise<number | null> {
  try {
    const { stdout } = await run(
      'ffprobe',
      ['-v', 'error', '-show_entries', 'format=duration', '-of', 'default=noprint_wrappers=1:nokey=1', file],
      { timeout: 10_000 },
    )
    const seconds = Number.parseFloat(stdout.trim())
    return Number.isFinite(seconds) && seconds > 0 ? seconds : null
  } catch {
    // No ffprobe on this machine, or a file it cannot read: fall through to the other sources.
    return null
  }
}

const cache = new Map<string, { mtimeMs: number; size: number; seconds: number | null }>()

/**
 * The real length in seconds of the lesson's recording, as the server knows it (never as a
 * browser reports it), or null when it cannot be known. Sources, first that answers:
 * `<slug>.meta.json` (`{ "durationSeconds": n }`, written by the operator), ffprobe when
 * installed, and the header of a WAV file.
 */
export async function recordingDuration(
  lessonSlug: string,
  { dir = mediaDir() }: { dir?: string } = {},
): Promise<number | null> {
  if (!LESSON_SLUG.test(lessonSlug)) return null
  for (const ext of RECORDING_EXTENSIONS) {
    const file = path.join(dir, `${lessonSlug}.${ext}`)
    const info = await statFile(file)
    if (!info) continue
    const cached = cache.get(file)
    if (cached && cached.mtimeMs === info.mtimeMs && cached.size === info.size) return cached.seconds
    let seconds: number | null = null
    try {
      const meta = metaSchema.safeParse(
        JSON.parse(await readFile(path.join(dir, `${lessonSlug}.meta.json`), 'utf8')),
      )
      if (meta.success) seconds = meta.data.durationSeconds
    } catch {
      // No sidecar (or not JSON): probe the file itself.
    }
    seconds ??= (await probeDuration(file)) ?? (ext === 'wav' ? await wavDuration(file) : null)
    cache.set(file, { mtimeMs: info.mtimeMs, size: info.size, seconds })
    return seconds
  }
  return null
}

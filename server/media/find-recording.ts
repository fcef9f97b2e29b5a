import 'server-only'
import { readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import { z } from 'zod'
import { mediaDir } from './media-dir'
import { LESSON_SLUG, RECORDING_EXTENSIONS, RECORDING_TYPES } from './media-files'

export interface Chapter {
  start: number
  title: string
}

export interface Recording {
  /** URL of the recording, served by app/media/[file]/route.ts. */
  src: string
  /** MIME type for `<source type>`. */
  type: string
  captionsSrc?: string
  chapters: Chapter[]
}

const chaptersSchema = z
  .array(
    z.object({
      start: z.number().finite().min(0, 'start must be 0 or more seconds'),
      title: z.string().trim().min(1, 'title must not be empty').max(200, 'title is too long (max 200)'),
    }),
  )
  .max(500, 'too many chapters (max 500)')

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile()
  } catch {
    return false
  }
}

/**
 * Chapters from `<slug>.chapters.json`, sorted by start. A broken file must not take the
 * lesson down: it is reported in the server log (naming the file and the problem) and the
 * recording plays without chapters.
 */
async function readChapters(file: string): Promise<Chapter[]> {
  if (!(await isFile(file))) return []
  let parsed: unknown
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'))
  } catch (error) {
    console.warn(`Ignoring ${file}: not valid JSON (${error instanceof Error ? error.message : error}).`)
    return []
  }
  const result = chaptersSchema.safeParse(parsed)
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    console.warn(
      `Ignoring ${file}: expected [{ "start": seconds, "title": "..." }] — ${problems.join('; ')}.`,
    )
    return []
  }
  return [...result.data].sort((a, b) => a.start - b.start)
}

/**
 * The recording an operator dropped into the media folder for `lessonSlug`, or null when
 * there is none (the lesson page then shows its notes and a "No recording yet" notice).
 */
export async function findRecording(
  lessonSlug: string,
  { dir = mediaDir() }: { dir?: string } = {},
): Promise<Recording | null> {
  if (!LESSON_SLUG.test(lessonSlug)) return null
  for (const ext of RECORDING_EXTENSIONS) {
    const fileName = `${lessonSlug}.${ext}`
    if (!(await isFile(path.join(dir, fileName)))) continue
    const captions = `${lessonSlug}.vtt`
    return {
      src: `/media/${fileName}`,
      type: RECORDING_TYPES[ext],
      ...((await isFile(path.join(dir, captions))) ? { captionsSrc: `/media/${captions}` } : {}),
      chapters: await readChapters(path.join(dir, `${lessonSlug}.chapters.json`)),
    }
  }
  return null
}

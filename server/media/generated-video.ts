import 'server-only'
// The narrated video `npm run videos` generates for a lesson from its notes. Directory contract
// (docs/decisions/034-media-pipeline.md), under the media folder:
//   generated/<lesson-slug>/manifest.json  { lessonSlug, contentHash, durationS, generatedAt, generator }
//                                          written last: its presence means the folder is complete
//   generated/<lesson-slug>/video.mp4      H.264/AAC MP4 (required)
//   generated/<lesson-slug>/captions.vtt   WebVTT (optional)
//   generated/<lesson-slug>/chapters.json  [{ startS, title }] (optional)
//   generated/<lesson-slug>/poster.jpg     (optional)
import { z } from 'zod'
import { LESSON_SLUG } from './media-files'
import { mediaStorage } from './media-storage'
import type { LessonVideo } from './recordings'

const manifestSchema = z.object({
  lessonSlug: z.string(),
  durationS: z.number().positive().finite(),
})

const chaptersSchema = z.array(
  z.object({ startS: z.number().min(0).finite(), title: z.string().min(1).max(200) }),
)

function parseJson(text: string | null): unknown {
  if (text === null) return undefined
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

export async function readGeneratedVideo(lessonSlug: string): Promise<LessonVideo | null> {
  if (!LESSON_SLUG.test(lessonSlug)) return null
  const storage = mediaStorage()
  const dir = `generated/${lessonSlug}`
  const manifest = manifestSchema.safeParse(parseJson(await storage.readText(`${dir}/manifest.json`)))
  const video = await storage.stat(`${dir}/video.mp4`)
  if (!manifest.success || manifest.data.lessonSlug !== lessonSlug || !video) return null
  const [captions, poster, chapters] = await Promise.all([
    storage.stat(`${dir}/captions.vtt`),
    storage.stat(`${dir}/poster.jpg`),
    storage.readText(`${dir}/chapters.json`),
  ])
  const parsedChapters = chaptersSchema.safeParse(parseJson(chapters))
  // The version in the URL makes a regenerated video bypass the browser's cache.
  const v = `?v=${Math.floor(video.modifiedMs).toString(36)}`
  return {
    source: 'generated',
    src: `/media/${dir}/video.mp4${v}`,
    type: 'video/mp4',
    downloadSrc: `/media/${dir}/video.mp4${v}`,
    ...(poster ? { posterSrc: `/media/${dir}/poster.jpg${v}` } : {}),
    ...(captions ? { captionsSrc: `/media/${dir}/captions.vtt${v}` } : {}),
    chapters: parsedChapters.success
      ? [...parsedChapters.data]
          .sort((a, b) => a.startS - b.startS)
          .map((c) => ({ start: c.startS, title: c.title }))
      : [],
    durationS: manifest.data.durationS,
  }
}

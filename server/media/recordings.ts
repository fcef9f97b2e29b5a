import 'server-only'
// Lesson recordings as the web app sees them: what each lesson plays (uploaded, generated or
// nothing), the media page's list, and the author's actions (retry, remove, captions, chapters).
import { db } from '@/server/db'
import { AppError } from '@/server/errors'
import { describeCaptionProblems, parseCaptions } from './captions'
import { type MediaChapter, parseChaptersText } from './chapters'
import { mediaStorage } from './media-storage'
import { recordingPrefix } from './pipeline/process-recording'
import { removeUpload } from './pipeline/run-job'
import { enqueueProcessing } from './queue'
import { mediaDir } from './media-dir'
import { readGeneratedVideo } from './generated-video'

export type RecordingState = 'none' | 'uploading' | 'processing' | 'ready' | 'failed'

export interface LessonVideo {
  source: 'uploaded' | 'generated'
  hlsSrc?: string
  src: string
  type: string
  downloadSrc: string
  posterSrc?: string
  thumbnailsSrc?: string
  captionsSrc?: string
  chapters: { start: number; title: string }[]
  durationS: number | null
}

function toPlayerChapters(chapters: readonly MediaChapter[]) {
  return chapters.map((c) => ({ start: c.startS, title: c.title }))
}

function storedChapters(value: unknown): MediaChapter[] {
  if (!Array.isArray(value)) return []
  return value.filter((c): c is MediaChapter => typeof c?.startS === 'number' && typeof c?.title === 'string')
}

/** The ready uploaded recording that plays for a lesson (the newest), or null. */
export async function readyRecording(lessonSlug: string) {
  return db().lessonRecording.findFirst({
    where: { lessonSlug, state: 'ready' },
    orderBy: { readyAt: 'desc' },
  })
}

/**
 * What a lesson plays: its ready uploaded recording, else the narrated video generated from the
 * notes, else null ("No recording yet"). Removing the upload brings the generated one back.
 */
export async function resolveLessonVideo(lessonSlug: string): Promise<LessonVideo | null> {
  const recording = await readyRecording(lessonSlug)
  if (recording) {
    const base = `/media/${recordingPrefix(lessonSlug, recording.id)}`
    const media = await db().lessonMedia.findUnique({ where: { lessonSlug } })
    return {
      source: 'uploaded',
      hlsSrc: `${base}/hls/master.m3u8`,
      src: `${base}/download.mp4`,
      type: 'video/mp4',
      downloadSrc: `${base}/download.mp4`,
      posterSrc: `${base}/poster.jpg`,
      thumbnailsSrc: `${base}/thumbs.vtt`,
      ...(media?.captionsVtt
        ? { captionsSrc: `/media/captions/${lessonSlug}.vtt?v=${media.updatedAt.getTime()}` }
        : {}),
      chapters: toPlayerChapters(storedChapters(media?.chapters)),
      durationS: recording.durationS,
    }
  }
  return readGeneratedVideo(lessonSlug)
}

export interface LessonMediaRow {
  lessonSlug: string
  state: RecordingState
  /** The recording being uploaded/processed/failed (newer than the one that plays), if any. */
  pending?: {
    id: string
    state: RecordingState
    stage: string | null
    progress: number
    error: string | null
    fileName: string
  }
  ready?: { id: string; durationS: number | null; renditions: number[]; fileName: string }
  generated: boolean
  captionCues: number
  chapters: MediaChapter[]
  captionsVtt: string | null
}

/** Per lesson of the course: the state the media page shows. */
export async function listLessonMedia(lessonSlugs: readonly string[]): Promise<LessonMediaRow[]> {
  const [recordings, media] = await Promise.all([
    db().lessonRecording.findMany({
      where: { lessonSlug: { in: [...lessonSlugs] } },
      orderBy: { createdAt: 'desc' },
    }),
    db().lessonMedia.findMany({ where: { lessonSlug: { in: [...lessonSlugs] } } }),
  ])
  return Promise.all(
    lessonSlugs.map(async (lessonSlug) => {
      const mine = recordings.filter((r) => r.lessonSlug === lessonSlug)
      const ready = mine.find((r) => r.state === 'ready')
      const latest = mine[0]
      const pending = latest && latest.state !== 'ready' ? latest : undefined
      const lessonMedia = media.find((m) => m.lessonSlug === lessonSlug)
      const captions = lessonMedia?.captionsVtt ? parseCaptions(lessonMedia.captionsVtt) : null
      const state: RecordingState = pending ? pending.state : ready ? 'ready' : 'none'
      return {
        lessonSlug,
        state,
        ...(pending
          ? {
              pending: {
                id: pending.id,
                state: pending.state,
                stage: pending.stage,
                progress: pending.progress,
                error: pending.error,
                fileName: pending.fileName,
              },
            }
          : {}),
        ...(ready
          ? {
              ready: {
                id: ready.id,
                durationS: ready.durationS,
                renditions: ready.renditions,
                fileName: ready.fileName,
              },
            }
          : {}),
        generated: (await readGeneratedVideo(lessonSlug)) !== null,
        captionCues: captions?.ok ? captions.cues.length : 0,
        chapters: storedChapters(lessonMedia?.chapters),
        captionsVtt: lessonMedia?.captionsVtt ?? null,
      }
    }),
  )
}

/** Queues a failed recording again, from the upload it kept. */
export async function retryRecording(recordingId: string): Promise<void> {
  const updated = await db().lessonRecording.updateMany({
    where: { id: recordingId, state: 'failed' },
    data: { state: 'processing', stage: 'waiting for the worker', progress: 0, error: null },
  })
  if (updated.count === 0)
    throw new AppError('conflict', 'Only a failed recording can be retried; reload the page.')
  await enqueueProcessing(recordingId)
}

/**
 * Removes every uploaded recording of a lesson (ready, failed or waiting) and their files; the
 * lesson then plays its generated video, if it has one. Captions and chapters stay for the next upload.
 */
export async function removeLessonRecordings(lessonSlug: string): Promise<number> {
  const rows = await db().lessonRecording.findMany({ where: { lessonSlug } })
  await db().lessonRecording.deleteMany({ where: { id: { in: rows.map((r) => r.id) } } })
  for (const row of rows) {
    await mediaStorage().removePrefix(recordingPrefix(lessonSlug, row.id))
    await removeUpload(mediaDir(), row.uploadId)
  }
  return rows.length
}

export async function saveCaptions(lessonSlug: string, text: string): Promise<{ cues: number }> {
  if (text.length > 2 * 1024 * 1024) throw new AppError('invalid', 'Captions are limited to 2 MB of text.')
  const result = parseCaptions(text)
  if (!result.ok) {
    throw new AppError('invalid', `The captions were not saved:\n${describeCaptionProblems(result.problems)}`)
  }
  await db().lessonMedia.upsert({
    where: { lessonSlug },
    create: { lessonSlug, captionsVtt: result.vtt },
    update: { captionsVtt: result.vtt },
  })
  return { cues: result.cues.length }
}

export async function removeCaptions(lessonSlug: string): Promise<void> {
  await db().lessonMedia.updateMany({ where: { lessonSlug }, data: { captionsVtt: null } })
}

export async function saveChapters(lessonSlug: string, text: string): Promise<{ chapters: number }> {
  const recording = await readyRecording(lessonSlug)
  const result = parseChaptersText(text, { durationS: recording?.durationS ?? null })
  if (!result.ok) throw new AppError('invalid', `The chapters were not saved:\n${result.problems.join('\n')}`)
  const chapters = result.chapters.map((c) => ({ startS: c.startS, title: c.title }))
  await db().lessonMedia.upsert({
    where: { lessonSlug },
    create: { lessonSlug, chapters },
    update: { chapters },
  })
  return { chapters: chapters.length }
}

export async function captionsFor(lessonSlug: string): Promise<string | null> {
  return (await db().lessonMedia.findUnique({ where: { lessonSlug } }))?.captionsVtt ?? null
}

import 'server-only'
import { z } from 'zod'
import { db } from '@/server/db'
import { AppError } from '@/server/errors'
import { mergeRanges, totalWatchedSeconds, type WatchedRange } from '@/contracts/watched-ranges'

/** "<courseSlug>/<lessonSlug>". */
export const LESSON_KEY = /^[a-z0-9-]+\/[a-z0-9-]+$/

export const MAX_RANGES_PER_CALL = 200

/** When the stored duration differs by more than this, the recording was replaced. */
const DURATION_CHANGE_TOLERANCE_S = 1

// zod 4 numbers are finite already (no NaN or Infinity).
const seconds = z.number('must be a number of seconds')

export const videoProgressInputSchema = z
  .object({
    lessonKey: z.string().regex(LESSON_KEY, 'must look like "<course-slug>/<lesson-slug>"'),
    duration: seconds.positive('must be more than 0 seconds').max(24 * 3600, 'must be at most 24 hours'),
    position: seconds.min(0, 'must be 0 or more seconds'),
    ranges: z
      .array(z.tuple([seconds.min(0, 'must be 0 or more seconds'), seconds]), 'must be a list of [start, end] pairs')
      .max(MAX_RANGES_PER_CALL, `must hold at most ${MAX_RANGES_PER_CALL} ranges per call; send more often`),
  })
  .superRefine((input, ctx) => {
    if (input.position > input.duration) {
      ctx.addIssue({ code: 'custom', path: ['position'], message: 'must not be past the end of the video (duration)' })
    }
    input.ranges.forEach(([start, end], i) => {
      if (end < start) ctx.addIssue({ code: 'custom', path: ['ranges', i], message: 'must end after it starts' })
      if (end > input.duration) {
        ctx.addIssue({ code: 'custom', path: ['ranges', i], message: 'must end within the video (duration)' })
      }
    })
  })

export type VideoProgressInput = z.infer<typeof videoProgressInputSchema>

export interface VideoProgress {
  /** Merged [start, end] seconds actually played. */
  ranges: WatchedRange[]
  watchedSeconds: number
  position: number
  duration: number | null
}

const storedRangesSchema = z.array(z.tuple([z.number(), z.number()]))

/** Ranges as stored in the Json column; anything unreadable counts as nothing watched. */
export function readStoredRanges(value: unknown): WatchedRange[] {
  const parsed = storedRangesSchema.safeParse(value)
  return parsed.success ? mergeRanges(parsed.data) : []
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length ? issue.path.join('.') : 'body'} ${issue.message}`)
    .join('; ')
}

/**
 * Adds the segments a learner actually played to their progress on one lesson: the stored
 * ranges become the union with `ranges`, watchedSeconds its length. Seeking never counts,
 * because the player only reports time it played through.
 */
export async function recordVideoProgress({
  userId,
  isKnownLesson,
  ...input
}: {
  userId: string
  lessonKey: string
  ranges: unknown
  position: unknown
  duration: unknown
  /** Whether `lessonKey` names a lesson of the catalogue; without it only the format is checked. */
  isKnownLesson?: (lessonKey: string) => boolean | Promise<boolean>
}): Promise<VideoProgress> {
  const parsed = videoProgressInputSchema.safeParse(input)
  if (!parsed.success) {
    throw new AppError('invalid', `Video progress not saved: ${describeIssues(parsed.error)}.`)
  }
  const { lessonKey, ranges, position, duration } = parsed.data
  if (isKnownLesson && !(await isKnownLesson(lessonKey))) {
    throw new AppError('not-found', `Video progress not saved: there is no lesson "${lessonKey}".`)
  }

  const now = new Date()
  return db().$transaction(async (tx) => {
    // The upsert locks the row until commit, so a beacon racing a periodic save cannot drop
    // the other's ranges (each reads the union the other committed).
    const existing = await tx.lessonProgress.upsert({
      where: { userId_lessonKey: { userId, lessonKey } },
      create: { userId, lessonKey, lastVisitedAt: now },
      update: { lastVisitedAt: now },
      select: { watchedRanges: true, videoDuration: true },
    })
    // A replaced recording (different length) makes the old ranges meaningless.
    const sameRecording =
      existing.videoDuration === null ||
      Math.abs(existing.videoDuration - duration) <= DURATION_CHANGE_TOLERANCE_S
    const previous = sameRecording ? readStoredRanges(existing.watchedRanges) : []
    const watchedRanges = mergeRanges([...previous, ...ranges], duration)
    const watchedSeconds = totalWatchedSeconds(watchedRanges)
    await tx.lessonProgress.update({
      where: { userId_lessonKey: { userId, lessonKey } },
      data: {
        watchedRanges: watchedRanges.map(([start, end]) => [start, end]),
        watchedSeconds,
        videoPosition: position,
        videoDuration: duration,
      },
      select: { userId: true },
    })
    return { ranges: watchedRanges, watchedSeconds, position, duration }
  })
}

/** A learner's video progress on one lesson; nothing watched yet when there is no record. */
export async function getVideoProgress({
  userId,
  lessonKey,
}: {
  userId: string
  lessonKey: string
}): Promise<VideoProgress> {
  const row = await db().lessonProgress.findUnique({
    where: { userId_lessonKey: { userId, lessonKey } },
    select: { watchedRanges: true, watchedSeconds: true, videoPosition: true, videoDuration: true },
  })
  if (!row) return { ranges: [], watchedSeconds: 0, position: 0, duration: null }
  return {
    ranges: readStoredRanges(row.watchedRanges),
    watchedSeconds: row.watchedSeconds,
    position: row.videoPosition,
    duration: row.videoDuration,
  }
}

import 'server-only'
import { z } from 'zod'
import { completionRules } from '@/config/completion-rules'
import { recordAuditEvent } from '@/server/audit/record-audit-event'
import { db } from '@/server/db'
import { AppError } from '@/server/errors'
import { mergeRanges, totalWatchedSeconds, type WatchedRange } from '@/contracts/watched-ranges'
import { recordingDuration } from '@/server/media/recording-duration'
import { resolveLessonVideo } from '@/server/media/recordings'

/** The length of what the lesson plays: the processed or generated video, else the dropped-in file. */
async function lessonVideoSeconds(lessonSlug: string): Promise<number | null> {
  return (await resolveLessonVideo(lessonSlug))?.durationS ?? recordingDuration(lessonSlug)
}

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
      .array(
        z.tuple([seconds.min(0, 'must be 0 or more seconds'), seconds]),
        'must be a list of [start, end] pairs',
      )
      .max(MAX_RANGES_PER_CALL, `must hold at most ${MAX_RANGES_PER_CALL} ranges per call; send more often`),
  })
  .superRefine((input, ctx) => {
    if (input.position > input.duration) {
      ctx.addIssue({
        code: 'custom',
        path: ['position'],
        message: 'must not be past the end of the video (duration)',
      })
    }
    input.ranges.forEach(([start, end], i) => {
      if (end < start)
        ctx.addIssue({ code: 'custom', path: ['ranges', i], message: 'must end after it starts' })
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
  /** The lesson counts as complete for grading (by reading or by watching). */
  earned?: boolean
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
 *
 * The browser's numbers are checked against the server's: ranges are cut to the recording's
 * real length (`recordingSeconds`, never the duration the browser sends), and a report may add
 * no more played time than the wall-clock time since the previous one allows (at the fastest
 * playback rate). Playing `videoShare` of the real length earns the lesson for grading.
 */
export async function recordVideoProgress({
  userId,
  isKnownLesson,
  recordingSeconds = (key) => lessonVideoSeconds(key.split('/')[1] ?? ''),
  ...input
}: {
  userId: string
  lessonKey: string
  ranges: unknown
  position: unknown
  duration: unknown
  /** Whether `lessonKey` names a lesson of the catalogue; without it only the format is checked. */
  isKnownLesson?: (lessonKey: string) => boolean | Promise<boolean>
  /** The recording's real length as the server knows it; null when unknown. */
  recordingSeconds?: (lessonKey: string) => Promise<number | null>
}): Promise<VideoProgress> {
  const parsed = videoProgressInputSchema.safeParse(input)
  if (!parsed.success) {
    throw new AppError('invalid', `Video progress not saved: ${describeIssues(parsed.error)}.`)
  }
  const { lessonKey, ranges, position, duration } = parsed.data
  if (isKnownLesson && !(await isKnownLesson(lessonKey))) {
    throw new AppError('not-found', `Video progress not saved: there is no lesson "${lessonKey}".`)
  }

  const realDuration = await recordingSeconds(lessonKey)
  const now = new Date()
  const outcome = await db().$transaction(async (tx) => {
    // The upsert locks the row until commit, so a beacon racing a periodic save cannot drop
    // the other's ranges (each reads the union the other committed).
    const existing = await tx.lessonProgress.upsert({
      where: { userId_lessonKey: { userId, lessonKey } },
      create: { userId, lessonKey, lastVisitedAt: now, readStartedAt: now },
      update: { lastVisitedAt: now },
      select: {
        watchedRanges: true,
        videoDuration: true,
        videoReportedAt: true,
        readStartedAt: true,
        earnedAt: true,
      },
    })
    const length = realDuration ?? duration
    // A replaced recording (different length) makes the old ranges meaningless.
    const sameRecording =
      existing.videoDuration === null ||
      Math.abs(existing.videoDuration - length) <= DURATION_CHANGE_TOLERANCE_S
    const previous = sameRecording ? readStoredRanges(existing.watchedRanges) : []
    const watchedRanges = mergeRanges([...previous, ...ranges], length)
    const watchedSeconds = totalWatchedSeconds(watchedRanges)
    const added = watchedSeconds - totalWatchedSeconds(previous)
    const since = existing.videoReportedAt ?? existing.readStartedAt ?? now
    const budget =
      ((now.getTime() - since.getTime()) / 1000) * completionRules.maxPlaybackRate +
      completionRules.playSlackSeconds
    if (added > budget) {
      return { refused: { added: Math.round(added), budget: Math.floor(budget) }, progress: null }
    }
    const earns =
      existing.earnedAt === null &&
      realDuration !== null &&
      watchedSeconds >= completionRules.videoShare * realDuration
    await tx.lessonProgress.update({
      where: { userId_lessonKey: { userId, lessonKey } },
      data: {
        watchedRanges: watchedRanges.map(([start, end]) => [start, end]),
        watchedSeconds,
        videoPosition: Math.min(position, length),
        videoDuration: length,
        videoReportedAt: now,
        ...(earns ? { earnedAt: now, earnedBy: 'video' } : {}),
      },
      select: { userId: true },
    })
    return {
      refused: null,
      progress: {
        ranges: watchedRanges,
        watchedSeconds,
        position: Math.min(position, length),
        duration: length,
        earned: earns || existing.earnedAt !== null,
      },
    }
  })
  if (outcome.refused) {
    const { refused } = outcome
    await recordAuditEvent({
      actorId: userId,
      action: 'lesson.completion.refused',
      targetUserId: userId,
      details: { lessonKey, reason: 'played-faster-than-time', ...refused },
    })
    throw new AppError(
      'invalid',
      `Video progress not saved: it reports ${refused.added} s played, more than the time since the last ` +
        'report allows. Play the video in the player; progress is saved as it plays.',
    )
  }
  return outcome.progress
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

import 'server-only'
import { completionRules } from '@/config/completion-rules'
import { recordAuditEvent } from '@/server/audit/record-audit-event'
import { getLessonContext } from '@/server/content/catalog'
import { db } from '@/server/db'
import { AppError } from '@/server/errors'

async function requireLesson(lessonKey: string) {
  const [courseSlug, lessonSlug] = lessonKey.split('/')
  const ctx = courseSlug && lessonSlug ? await getLessonContext(courseSlug, lessonSlug) : undefined
  if (!ctx) throw new AppError('not-found', 'That lesson does not exist.')
  return ctx.lesson
}

/** Words in the lesson's notes (MDX source without its frontmatter). */
export function countWords(source: string): number {
  const body = source.replace(/^---\n[\s\S]*?\n---\n/, '')
  return body.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length
}

/** Minimum seconds on the page before reaching its end counts as having read it. */
export function minReadSeconds(words: number): number {
  const { wordsPerSecond, minReadSeconds: min, maxReadSeconds: max } = completionRules
  return Math.min(max, Math.max(min, Math.ceil(words / wordsPerSecond)))
}

/**
 * Remembers the lesson as the learner's latest ("continue where you left off") and, until the
 * lesson is earned, starts a read session: the server's own clock measures time on the page.
 * A session older than `readSessionHours` restarts, so yesterday's visit is not today's reading.
 */
export async function recordLessonVisit({ userId, lessonKey }: { userId: string; lessonKey: string }) {
  await requireLesson(lessonKey)
  const now = new Date()
  const stale = new Date(now.getTime() - completionRules.readSessionHours * 3600_000)
  await db().lessonProgress.upsert({
    where: { userId_lessonKey: { userId, lessonKey } },
    create: { userId, lessonKey, readStartedAt: now },
    update: { lastVisitedAt: now },
    select: { userId: true },
  })
  await db().lessonProgress.updateMany({
    where: {
      userId,
      lessonKey,
      earnedAt: null,
      OR: [{ readStartedAt: null }, { readStartedAt: { lt: stale } }],
    },
    data: { readStartedAt: now },
  })
}

export type ReadResult =
  | { status: 'earned' | 'already-earned' }
  /** Reached the end sooner than anyone reads it; the page asks again after `retryInSeconds`. */
  | { status: 'too-soon'; retryInSeconds: number }

/**
 * The learner reached the end of the notes (the read sentinel). It counts for grading only when
 * the server-measured time since the page was rendered is at least the lesson's minimum reading
 * time; a report sooner than that is recorded as read-to-the-end but not as complete, and audited.
 */
export async function markLessonRead({
  userId,
  lessonKey,
}: {
  userId: string
  lessonKey: string
}): Promise<ReadResult> {
  const lesson = await requireLesson(lessonKey)
  const now = new Date()
  const row = await db().lessonProgress.findUnique({
    where: { userId_lessonKey: { userId, lessonKey } },
    select: { readStartedAt: true, earnedAt: true },
  })
  if (row?.earnedAt) {
    await db().lessonProgress.update({
      where: { userId_lessonKey: { userId, lessonKey } },
      data: { readAt: now },
    })
    return { status: 'already-earned' }
  }
  const required = minReadSeconds(countWords(lesson.source))
  const elapsed = row?.readStartedAt ? (now.getTime() - row.readStartedAt.getTime()) / 1000 : 0
  if (!row?.readStartedAt || elapsed < required) {
    await db().lessonProgress.upsert({
      where: { userId_lessonKey: { userId, lessonKey } },
      create: { userId, lessonKey, readAt: now, readStartedAt: now },
      update: { readAt: now },
      select: { userId: true },
    })
    await recordAuditEvent({
      actorId: userId,
      action: 'lesson.completion.refused',
      targetUserId: userId,
      details: {
        lessonKey,
        reason: row?.readStartedAt ? 'read-too-fast' : 'no-read-session',
        elapsedSeconds: Math.floor(elapsed),
        requiredSeconds: required,
      },
    })
    return {
      status: 'too-soon',
      retryInSeconds: Math.max(1, Math.ceil(required - (row?.readStartedAt ? elapsed : 0))),
    }
  }
  // Conditional on earnedAt being null, so a racing video report cannot earn it twice.
  await db().lessonProgress.updateMany({
    where: { userId, lessonKey, earnedAt: null },
    data: { readAt: now, earnedAt: now, earnedBy: 'read' },
  })
  return { status: 'earned' }
}

/** A personal bookmark ("I'm done with this"); it never counts toward the grade. */
export async function setLessonBookmark({
  userId,
  lessonKey,
  bookmarked,
}: {
  userId: string
  lessonKey: string
  bookmarked: boolean
}) {
  await requireLesson(lessonKey)
  const completedAt = bookmarked ? new Date() : null
  await db().lessonProgress.upsert({
    where: { userId_lessonKey: { userId, lessonKey } },
    create: { userId, lessonKey, completedAt },
    update: { completedAt },
    select: { userId: true },
  })
}

import 'server-only'
import type { Prisma } from '@/generated/prisma/client'
import { db } from '@/server/db'
import type { LearnerProgress } from './compute-grade'

export interface FetchedProgress {
  progress: LearnerProgress
  lastActivityAt: Date | null
}

export function emptyProgress(): LearnerProgress {
  return { lessons: new Map(), quizzes: new Map(), labSteps: new Map(), overrides: new Map() }
}

function later(a: Date | null, b: Date | null): Date | null {
  if (!a) return b
  if (!b) return a
  return a > b ? a : b
}

/**
 * The raw progress behind grades for every user matching `users`, in four queries whatever
 * their number (lessons, quiz attempts, lab steps, overrides), keyed by user id.
 */
export async function fetchProgress({
  users,
  courseSlug,
  labSlugs,
}: {
  users: Prisma.UserWhereInput
  courseSlug: string
  labSlugs: readonly string[]
}): Promise<Map<string, FetchedProgress>> {
  const prefix = `${courseSlug}/`
  const [lessonRows, quizRows, stepRows, overrideRows] = await Promise.all([
    db().lessonProgress.findMany({
      where: { user: users, lessonKey: { startsWith: prefix } },
      select: { userId: true, lessonKey: true, earnedAt: true, updatedAt: true },
    }),
    db().quizAttempt.findMany({
      where: { user: users, quizKey: { startsWith: prefix } },
      select: { userId: true, quizKey: true, correct: true, total: true, passed: true, createdAt: true },
      orderBy: { createdAt: 'asc' },
    }),
    labSlugs.length
      ? db().labStepResult.findMany({
          where: { user: users, labSlug: { in: [...labSlugs] } },
          select: {
            userId: true,
            labSlug: true,
            stepId: true,
            attempts: true,
            passedAt: true,
            updatedAt: true,
          },
        })
      : Promise.resolve([]),
    db().gradeOverride.findMany({
      where: { user: users, courseSlug },
      orderBy: { createdAt: 'asc' },
      select: { userId: true, itemKey: true, percent: true },
    }),
  ])

  const byUser = new Map<string, FetchedProgress>()
  const of = (userId: string) => {
    let entry = byUser.get(userId)
    if (!entry) byUser.set(userId, (entry = { progress: emptyProgress(), lastActivityAt: null }))
    return entry
  }
  for (const r of lessonRows) {
    const entry = of(r.userId)
    // Only evidence counts (read for long enough, or 90 % of the video); a bookmark does not.
    entry.progress.lessons.set(r.lessonKey, { completed: r.earnedAt !== null })
    entry.lastActivityAt = later(entry.lastActivityAt, r.updatedAt)
  }
  for (const a of quizRows) {
    const entry = of(a.userId)
    const q = entry.progress.quizzes.get(a.quizKey)
    // Best attempt by share correct (a quiz may change size between attempts); earliest on a tie.
    if (!q)
      entry.progress.quizzes.set(a.quizKey, {
        bestCorrect: a.correct,
        bestTotal: a.total,
        passed: a.passed,
        attempts: 1,
      })
    else {
      q.attempts += 1
      if (a.total > 0 && (q.bestTotal <= 0 || a.correct * q.bestTotal > q.bestCorrect * a.total)) {
        Object.assign(q, { bestCorrect: a.correct, bestTotal: a.total, passed: a.passed })
      }
    }
    entry.lastActivityAt = later(entry.lastActivityAt, a.createdAt)
  }
  for (const s of stepRows) {
    const entry = of(s.userId)
    entry.progress.labSteps.set(`${s.labSlug}/${s.stepId}`, {
      attempts: s.attempts,
      passed: s.passedAt !== null,
    })
    entry.lastActivityAt = later(entry.lastActivityAt, s.updatedAt)
  }
  // Oldest first, so the latest override per item wins.
  for (const o of overrideRows) of(o.userId).progress.overrides.set(o.itemKey, o.percent)
  return byUser
}

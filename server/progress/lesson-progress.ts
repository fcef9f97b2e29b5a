import 'server-only'
import { isLessonKey } from '@/server/content/catalog'
import { db } from '@/server/db'
import { AppError } from '@/server/errors'

async function assertLesson(lessonKey: string) {
  if (!(await isLessonKey(lessonKey))) throw new AppError('not-found', 'That lesson does not exist.')
}

/** Remembers the lesson as the learner's latest, for "continue where you left off". */
export async function recordLessonVisit({ userId, lessonKey }: { userId: string; lessonKey: string }) {
  await assertLesson(lessonKey)
  await db().lessonProgress.upsert({
    where: { userId_lessonKey: { userId, lessonKey } },
    create: { userId, lessonKey },
    update: { lastVisitedAt: new Date() },
  })
}

/** The learner reached the end of the notes. */
export async function markLessonRead({ userId, lessonKey }: { userId: string; lessonKey: string }) {
  await assertLesson(lessonKey)
  const now = new Date()
  await db().lessonProgress.upsert({
    where: { userId_lessonKey: { userId, lessonKey } },
    create: { userId, lessonKey, readAt: now },
    update: { readAt: now },
  })
}

export async function setLessonComplete({
  userId,
  lessonKey,
  complete,
}: {
  userId: string
  lessonKey: string
  complete: boolean
}) {
  await assertLesson(lessonKey)
  const completedAt = complete ? new Date() : null
  await db().lessonProgress.upsert({
    where: { userId_lessonKey: { userId, lessonKey } },
    create: { userId, lessonKey, completedAt },
    update: { completedAt },
  })
}

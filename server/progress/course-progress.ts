import 'server-only'
import type { Course } from '@/server/content/load-content'
import { db } from '@/server/db'

export interface LessonStatus {
  /** Counts toward the grade: read for long enough or 90 % of the video watched. */
  completed: boolean
  /** The learner's own "done" bookmark; it does not count toward the grade. */
  bookmarked: boolean
  read: boolean
  watchedSeconds: number
  videoPosition: number
}

export interface ModuleProgress {
  slug: string
  lessonsDone: number
  lessonsTotal: number
  quizBestPercent: number | null
  quizPassed: boolean
}

export interface CourseProgress {
  lessons: Record<string, LessonStatus>
  modules: ModuleProgress[]
  /** Completed lessons and passed quizzes over all of them, 0–100. */
  percent: number
}

export async function getCourseProgress({
  userId,
  course,
}: {
  userId: string
  course: Course
}): Promise<CourseProgress> {
  const [rows, attempts] = await Promise.all([
    db().lessonProgress.findMany({
      where: { userId, lessonKey: { startsWith: `${course.slug}/` } },
      select: {
        lessonKey: true,
        completedAt: true,
        earnedAt: true,
        readAt: true,
        watchedSeconds: true,
        videoPosition: true,
      },
    }),
    db().quizAttempt.groupBy({
      by: ['quizKey'],
      where: { userId, quizKey: { startsWith: `${course.slug}/` } },
      _max: { correct: true },
      _count: { _all: true },
    }),
  ])
  const lessons: Record<string, LessonStatus> = {}
  for (const r of rows) {
    lessons[r.lessonKey] = {
      completed: r.earnedAt !== null,
      bookmarked: r.completedAt !== null,
      read: r.readAt !== null,
      watchedSeconds: r.watchedSeconds,
      videoPosition: r.videoPosition,
    }
  }
  const bestCorrect = new Map(attempts.map((a) => [a.quizKey, a._max.correct ?? 0]))
  const modules = course.modules.map((m): ModuleProgress => {
    const best = bestCorrect.get(m.quiz.key)
    const total = m.quiz.questions.length
    const bestPercent = best === undefined ? null : Math.round((best / total) * 100)
    return {
      slug: m.slug,
      lessonsDone: m.lessons.filter((l) => lessons[l.key]?.completed).length,
      lessonsTotal: m.lessons.length,
      quizBestPercent: bestPercent,
      quizPassed: bestPercent !== null && bestPercent >= m.quiz.passPercent,
    }
  })
  const items = course.lessons.length + course.modules.length
  const done = modules.reduce((n, m) => n + m.lessonsDone + (m.quizPassed ? 1 : 0), 0)
  return { lessons, modules, percent: items === 0 ? 0 : Math.round((done / items) * 100) }
}

export interface ContinueItem {
  courseSlug: string
  courseTitle: string
  lessonSlug: string
  lessonTitle: string
  moduleTitle: string
  lastVisitedAt: Date
  completed: boolean
}

/** The lesson the learner visited last, across courses. */
export async function getContinueItem({
  userId,
  courses,
}: {
  userId: string
  courses: Course[]
}): Promise<ContinueItem | null> {
  const latest = await db().lessonProgress.findFirst({
    where: { userId },
    orderBy: { lastVisitedAt: 'desc' },
    select: { lessonKey: true, lastVisitedAt: true, earnedAt: true },
  })
  if (!latest) return null
  for (const course of courses) {
    const lesson = course.lessons.find((l) => l.key === latest.lessonKey)
    if (lesson) {
      return {
        courseSlug: course.slug,
        courseTitle: course.title,
        lessonSlug: lesson.slug,
        lessonTitle: lesson.title,
        moduleTitle: lesson.moduleTitle,
        lastVisitedAt: latest.lastVisitedAt,
        completed: latest.earnedAt !== null,
      }
    }
  }
  return null
}

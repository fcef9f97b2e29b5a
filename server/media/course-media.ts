import 'server-only'
import { getCourse, getLessonContext } from '@/server/content/catalog'
import { AppError } from '@/server/errors'
import { chaptersToText, proposeChapters } from './chapters'
import { listLessonMedia, readyRecording, type LessonMediaRow } from './recordings'

export interface CourseMediaLesson extends LessonMediaRow {
  title: string
  video: string
  outlineMinutes: number
}

/** The media page's rows: every lesson of the course in outline order with its media state. */
export async function courseMedia(courseSlug: string): Promise<CourseMediaLesson[]> {
  const course = await getCourse(courseSlug)
  if (!course) throw new AppError('not-found', `There is no course "${courseSlug}".`)
  const rows = await listLessonMedia(course.lessons.map((l) => l.slug))
  return course.lessons.map((lesson, i) => ({
    ...(rows[i] as LessonMediaRow),
    title: lesson.title,
    video: lesson.video,
    outlineMinutes: lesson.durationMinutes,
  }))
}

/** Chapters proposed from the lesson's headings, over the ready recording's length (else the outline's). */
export async function proposedChaptersText(courseSlug: string, lessonSlug: string): Promise<string> {
  const ctx = await getLessonContext(courseSlug, lessonSlug)
  if (!ctx) throw new AppError('not-found', `There is no lesson "${lessonSlug}" in course "${courseSlug}".`)
  const recording = await readyRecording(lessonSlug)
  const durationS = recording?.durationS ?? ctx.lesson.durationMinutes * 60
  return chaptersToText(proposeChapters(ctx.lesson.source, durationS))
}

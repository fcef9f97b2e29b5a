import 'server-only'
import { webConfig } from '@/server/config'
import { listCourseSlugs, loadCourse, loadRunbooks, type Course, type Lesson, type Module, type Runbook } from './load-content'

// Content is part of the build: read once per process in production, on every request in
// development so edits show up on reload.
let courses: Promise<Map<string, Course>> | undefined
let runbooks: Promise<Runbook[]> | undefined
const fresh = () => webConfig().NODE_ENV === 'development'

async function allCourses(): Promise<Map<string, Course>> {
  if (!courses || fresh()) {
    courses = (async () => {
      const loaded = await Promise.all((await listCourseSlugs()).map((slug) => loadCourse(slug)))
      return new Map(loaded.map((c) => [c.slug, c]))
    })()
  }
  return courses
}

export async function listCourses(): Promise<Course[]> {
  return [...(await allCourses()).values()]
}

export async function getCourse(slug: string): Promise<Course | undefined> {
  return (await allCourses()).get(slug)
}

export interface LessonContext {
  course: Course
  module: Module
  lesson: Lesson
  previous?: Lesson
  next?: Lesson
}

export async function getLessonContext(courseSlug: string, lessonSlug: string): Promise<LessonContext | undefined> {
  const course = await getCourse(courseSlug)
  if (!course) return undefined
  const index = course.lessons.findIndex((l) => l.slug === lessonSlug)
  const lesson = course.lessons[index]
  if (!lesson) return undefined
  const mod = course.modules.find((m) => m.slug === lesson.moduleSlug)!
  return { course, module: mod, lesson, previous: course.lessons[index - 1], next: course.lessons[index + 1] }
}

export async function isLessonKey(key: string): Promise<boolean> {
  const [courseSlug, lessonSlug] = key.split('/')
  return Boolean(courseSlug && lessonSlug && (await getLessonContext(courseSlug, lessonSlug)))
}

export async function getQuiz(quizKey: string) {
  const [courseSlug, moduleSlug] = quizKey.split('/')
  const course = courseSlug ? await getCourse(courseSlug) : undefined
  return course?.modules.find((m) => m.slug === moduleSlug)?.quiz
}

export async function listRunbooks(): Promise<Runbook[]> {
  if (!runbooks || fresh()) runbooks = loadRunbooks()
  return runbooks
}

export async function getRunbook(slug: string): Promise<Runbook | undefined> {
  return (await listRunbooks()).find((r) => r.slug === slug)
}

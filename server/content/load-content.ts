// Reads and validates content/ into a typed course tree. No `server-only` marker: the content
// validator CLI (scripts/content-validate.ts) uses this module too. It reads the file system,
// so it can never be bundled for the browser anyway.
import { readdir } from 'node:fs/promises'
import path from 'node:path'
import { ContentError } from './content-error'
import {
  courseFrontmatter,
  lessonFrontmatter,
  moduleFrontmatter,
  pageFrontmatter,
  quizFile,
  runbookFrontmatter,
  type CourseFrontmatter,
  type LessonFrontmatter,
  type ModuleFrontmatter,
  type PageFrontmatter,
  type QuizFile,
  type RunbookFrontmatter,
} from './frontmatter'
import { readContentFile, readYamlFile } from './read-frontmatter'

// The platform always runs from the project root (the launcher, tests and scripts all do).
export const defaultContentRoot = path.join(process.cwd(), 'content')

export interface Lesson extends LessonFrontmatter {
  key: string
  courseSlug: string
  moduleSlug: string
  moduleTitle: string
  file: string
  source: string
}

export interface Quiz extends QuizFile {
  key: string
  moduleSlug: string
}

export interface Module extends ModuleFrontmatter {
  folder: string
  source: string
  lessons: Lesson[]
  quiz: Quiz
}

export interface CoursePage extends PageFrontmatter {
  file: string
  source: string
}

export interface Course extends CourseFrontmatter {
  source: string
  modules: Module[]
  pages: CoursePage[]
  /** Every lesson in course order. */
  lessons: Lesson[]
}

export interface Runbook extends RunbookFrontmatter {
  file: string
  source: string
}

/** Every question's review topic must name a lesson of its module and a heading that lesson has. */
function checkQuizTopics(quiz: QuizFile, lessons: Lesson[], file: string) {
  const problems: string[] = []
  for (const [i, question] of quiz.questions.entries()) {
    const lesson = lessons.find((l) => l.slug === question.topic.lesson)
    if (!lesson) {
      problems.push(`questions.${i}.topic.lesson: "${question.topic.lesson}" is not a lesson of this module`)
      continue
    }
    const headings = [...lesson.source.matchAll(/^#{2,3} (.+)$/gm)].map((m) => m[1]!.trim())
    if (!headings.includes(question.topic.heading)) {
      problems.push(`questions.${i}.topic.heading: "${question.topic.heading}" is not an h2/h3 heading of ${lesson.slug}`)
    }
  }
  const ids = quiz.questions.map((q) => q.id)
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i)
  if (duplicate) problems.push(`questions: the id "${duplicate}" is used twice`)
  if (problems.length > 0) throw new ContentError(file, problems)
}

async function subfolders(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true })
  return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort()
}

async function mdxFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => [])
  return entries.filter((e) => e.isFile() && e.name.endsWith('.mdx')).map((e) => e.name).sort()
}

function checkOrder(items: { order: number }[], where: string, files: string[]) {
  items.forEach((item, i) => {
    if (item.order !== i + 1) {
      throw new ContentError(files[i] ?? where, [`order: is ${item.order}, expected ${i + 1} (files are ordered by name)`])
    }
  })
}

export async function loadCourse(courseSlug: string, root = defaultContentRoot): Promise<Course> {
  const courseDir = path.join(root, 'courses', courseSlug)
  const rel = (file: string) => path.relative(path.dirname(root), file)
  const courseFile = path.join(courseDir, 'course.mdx')
  const course = await readContentFile(courseFile, courseFrontmatter, rel(courseFile))
  if (course.data.slug !== courseSlug) {
    throw new ContentError(rel(courseFile), [`slug: is "${course.data.slug}", expected the folder name "${courseSlug}"`])
  }

  const modules: Module[] = []
  const moduleFiles: string[] = []
  for (const folder of await subfolders(path.join(courseDir, 'modules'))) {
    const moduleDir = path.join(courseDir, 'modules', folder)
    const moduleFile = path.join(moduleDir, 'module.mdx')
    moduleFiles.push(rel(moduleFile))
    const mod = await readContentFile(moduleFile, moduleFrontmatter, rel(moduleFile))
    const lessonNames = await mdxFiles(path.join(moduleDir, 'lessons'))
    const lessons: Lesson[] = []
    for (const name of lessonNames) {
      const file = path.join(moduleDir, 'lessons', name)
      const lesson = await readContentFile(file, lessonFrontmatter, rel(file))
      lessons.push({
        ...lesson.data,
        key: `${courseSlug}/${lesson.data.slug}`,
        courseSlug,
        moduleSlug: mod.data.slug,
        moduleTitle: mod.data.title,
        file: rel(file),
        source: lesson.source,
      })
    }
    if (lessons.length === 0) throw new ContentError(rel(moduleFile), ['the module has no lessons (lessons/*.mdx)'])
    checkOrder(lessons, rel(moduleFile), lessonNames.map((n) => rel(path.join(moduleDir, 'lessons', n))))
    const quizPath = path.join(moduleDir, 'quiz.yaml')
    const quiz = await readYamlFile(quizPath, quizFile, rel(quizPath))
    checkQuizTopics(quiz, lessons, rel(quizPath))
    modules.push({
      ...mod.data,
      folder,
      source: mod.source,
      lessons,
      quiz: { ...quiz, key: `${courseSlug}/${mod.data.slug}`, moduleSlug: mod.data.slug },
    })
  }
  checkOrder(modules, rel(courseDir), moduleFiles)

  const pageNames = await mdxFiles(path.join(courseDir, 'pages'))
  const pages: CoursePage[] = []
  for (const name of pageNames) {
    const file = path.join(courseDir, 'pages', name)
    const page = await readContentFile(file, pageFrontmatter, rel(file))
    pages.push({ ...page.data, file: rel(file), source: page.source })
  }
  pages.sort((a, b) => a.order - b.order)

  const lessons = modules.flatMap((m) => m.lessons)
  const seen = new Map<string, string>()
  for (const lesson of lessons) {
    const other = seen.get(lesson.slug)
    if (other) throw new ContentError(lesson.file, [`slug: "${lesson.slug}" is already used by ${other}`])
    seen.set(lesson.slug, lesson.file)
  }
  return { ...course.data, source: course.source, modules, pages, lessons }
}

export async function loadRunbooks(root = defaultContentRoot): Promise<Runbook[]> {
  const dir = path.join(root, 'runbooks')
  const runbooks: Runbook[] = []
  for (const name of await mdxFiles(dir)) {
    const file = path.join(dir, name)
    const rel = path.relative(path.dirname(root), file)
    const runbook = await readContentFile(file, runbookFrontmatter, rel)
    runbooks.push({ ...runbook.data, file: rel, source: runbook.source })
  }
  return runbooks
}

export async function listCourseSlugs(root = defaultContentRoot): Promise<string[]> {
  return subfolders(path.join(root, 'courses'))
}

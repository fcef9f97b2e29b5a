import type { GradedLab } from './graded-labs'

// Pure: no database. The grading model shared by the matrix, the gradebook, the CSV, the JSON
// API and certificates, so they can never disagree.

export type ItemKind = 'lesson' | 'quiz' | 'lab-step'

export interface CourseItem {
  /** Stable key, also used by grade overrides: `lesson:<lessonKey>`, `quiz:<quizKey>`, `lab:<labSlug>/<stepId>`. */
  key: string
  kind: ItemKind
  /** The key in the progress tables: lessonKey, quizKey, or "<labSlug>/<stepId>". */
  ref: string
  title: string
  shortTitle: string
  /** Module slug for lessons and quizzes, `labs` for lab steps. */
  group: string
  groupTitle: string
  passPercent?: number
  questions?: number
  labSlug?: string
  stepId?: string
  points?: number
}

export const FINAL_ITEM_KEY = 'final'
export const LABS_GROUP = 'labs'

/** The minimal course shape grading needs (the content loader's Course satisfies it). */
export interface GradedCourse {
  slug: string
  title: string
  modules: {
    slug: string
    title: string
    order: number
    lessons: { key: string; title: string }[]
    quiz: { key: string; passPercent: number; questions: readonly unknown[] }
  }[]
}

/** Every gradable item of a course in teaching order: each module's lessons then its quiz, then the labs' steps. */
export function listCourseItems(course: GradedCourse, labs: readonly GradedLab[]): CourseItem[] {
  const items: CourseItem[] = []
  for (const mod of course.modules) {
    mod.lessons.forEach((lesson, i) => {
      items.push({
        key: `lesson:${lesson.key}`,
        kind: 'lesson',
        ref: lesson.key,
        title: lesson.title,
        shortTitle: `M${mod.order}.${i + 1}`,
        group: mod.slug,
        groupTitle: mod.title,
      })
    })
    items.push({
      key: `quiz:${mod.quiz.key}`,
      kind: 'quiz',
      ref: mod.quiz.key,
      title: `Quiz: ${mod.title}`,
      shortTitle: `Q${mod.order}`,
      group: mod.slug,
      groupTitle: mod.title,
      passPercent: mod.quiz.passPercent,
      questions: mod.quiz.questions.length,
    })
  }
  labs.forEach((lab, labIndex) => {
    lab.steps.forEach((step, i) => {
      items.push({
        key: `lab:${lab.slug}/${step.id}`,
        kind: 'lab-step',
        ref: `${lab.slug}/${step.id}`,
        title: `${lab.title}: ${step.title}`,
        shortTitle: `L${labIndex + 1}.${i + 1}`,
        group: LABS_GROUP,
        groupTitle: 'Labs',
        labSlug: lab.slug,
        stepId: step.id,
        points: step.points,
      })
    })
  })
  return items
}

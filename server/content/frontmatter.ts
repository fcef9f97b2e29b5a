// Frontmatter schemas for everything in content/. Errors name the file and the field.
import { z } from 'zod'

const slug = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be a kebab-case slug like high-availability-design')
export const labSlugs = ['ha-setup', 'monitoring-stack', 'incident-simulation', 'dr-test'] as const

export const courseFrontmatter = z.strictObject({
  slug,
  title: z.string().min(1),
  level: z.enum(['Beginner', 'Intermediate', 'Advanced']),
  durationMinutes: z.number().int().positive(),
  prerequisites: z.array(z.string().min(1)),
  summary: z.string().min(1),
  outcomes: z.array(z.string().min(1)).min(1),
  // The course's quiz attempt policy; instructors may override it per cohort (decision 019).
  quizPolicy: z
    .strictObject({
      maxAttempts: z.number().int().min(1).max(20),
      cooldownMinutes: z.number().int().min(0).max(10_080),
    })
    .default({ maxAttempts: 3, cooldownMinutes: 60 }),
})

export const moduleFrontmatter = z.strictObject({
  slug,
  title: z.string().min(1),
  order: z.number().int().positive(),
  summary: z.string().min(1),
})

export const lessonFrontmatter = z.strictObject({
  slug,
  title: z.string().min(1),
  video: z.string().regex(/^\d+\.\d+$/, 'must be the seed video number, like "1.1"'),
  order: z.number().int().positive(),
  durationMinutes: z.number().int().positive(),
  topics: z.array(z.string().min(1)).min(1),
  // Recordings are media files kept outside git (see docs/decisions); frontmatter never invents one.
  recording: z.null(),
  labs: z.array(z.enum(labSlugs)),
})

export const pageFrontmatter = z.strictObject({
  slug,
  title: z.string().min(1),
  order: z.number().int().positive(),
})

export const runbookFrontmatter = z.strictObject({
  slug,
  title: z.string().min(1),
  kind: z.enum(['runbook', 'template', 'plan', 'policy']),
  summary: z.string().min(1),
  relatedLessons: z.array(slug).default([]),
})

export const quizFile = z
  .strictObject({
    title: z.string().min(1),
    passPercent: z.number().int().min(1).max(100),
    // Each attempt draws this many questions from the pool.
    questionsPerAttempt: z.number().int().min(1).default(6),
    questions: z
      .array(
        z
          .strictObject({
            id: slug,
            prompt: z.string().min(1),
            choices: z.array(z.string().min(1)).min(2).max(6),
            answer: z.number().int().min(0),
            explanation: z.string().min(1),
            // What to review when this question is missed: a lesson of this module and one of its headings.
            topic: z.strictObject({ lesson: slug, heading: z.string().min(1) }),
          })
          .refine((q) => q.answer < q.choices.length, {
            message: 'answer must be the index of one of the choices',
            path: ['answer'],
          }),
      )
      .min(1),
  })
  .refine((quiz) => quiz.questionsPerAttempt <= quiz.questions.length, {
    message: 'questionsPerAttempt must not exceed the number of questions in the pool',
    path: ['questionsPerAttempt'],
  })

export type CourseFrontmatter = z.infer<typeof courseFrontmatter>
export type ModuleFrontmatter = z.infer<typeof moduleFrontmatter>
export type LessonFrontmatter = z.infer<typeof lessonFrontmatter>
export type PageFrontmatter = z.infer<typeof pageFrontmatter>
export type RunbookFrontmatter = z.infer<typeof runbookFrontmatter>
export type QuizFile = z.infer<typeof quizFile>

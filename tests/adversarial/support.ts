// Shared set-up for the adversarial learner suite: real users and real progress rows in the
// test database, written the way the honest paths write them.
import { randomUUID } from 'node:crypto'
import { getCourse } from '@/server/content/catalog'
import { db } from '@/server/db'
import { readGradedLabs } from '@/server/grading/graded-labs'
import type { CurrentUser, Role } from '@/server/session/current-user'

export const COURSE = 'production-operations'

export async function newUser(role: Role = 'learner', name = 'Someone'): Promise<CurrentUser> {
  const id = randomUUID()
  const fullName = `${name} ${id.slice(0, 4)}`
  await db().user.create({
    data: { id, name: fullName, email: `${role}-${id}@example.test`, role },
    select: { id: true },
  })
  return { id, name: fullName, email: `${role}-${id}@example.test`, role }
}

/** Every lesson earned by reading, every quiz passed, every lab step passed. */
export async function completeCourse(userId: string): Promise<void> {
  const course = (await getCourse(COURSE))!
  const now = new Date()
  await db().lessonProgress.createMany({
    data: course.lessons.map((l) => ({
      userId,
      lessonKey: l.key,
      earnedAt: now,
      earnedBy: 'read',
      readAt: now,
    })),
  })
  await db().quizAttempt.createMany({
    data: course.modules.map((m) => ({
      userId,
      quizKey: m.quiz.key,
      answers: {},
      correct: m.quiz.questions.length,
      total: m.quiz.questions.length,
      passed: true,
    })),
  })
  const { labs } = await readGradedLabs()
  await db().labStepResult.createMany({
    data: labs.flatMap((lab) =>
      lab.steps.map((step) => ({
        userId,
        labSlug: lab.slug,
        stepId: step.id,
        attempts: 1,
        passedAt: now,
        points: step.points,
      })),
    ),
  })
}

export async function auditActions(userId: string): Promise<string[]> {
  const rows = await db().auditEvent.findMany({
    where: { OR: [{ targetUserId: userId }, { actorId: userId }] },
    orderBy: { createdAt: 'asc' },
    select: { action: true },
  })
  return rows.map((r) => r.action)
}

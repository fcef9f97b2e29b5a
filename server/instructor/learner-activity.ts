import 'server-only'
import { requireLearnerScope } from '@/server/cohorts/cohort-access'
import { getCourse } from '@/server/content/catalog'
import { db } from '@/server/db'
import { AppError } from '@/server/errors'
import type { CurrentUser } from '@/server/session/current-user'

export type ActivityEvent =
  | { kind: 'lesson'; at: Date; lessonKey: string; title: string; completed: boolean }
  | {
      kind: 'quiz'
      at: Date
      quizKey: string
      title: string
      correct: number
      total: number
      passed: boolean
    }
  | {
      kind: 'lab-session'
      at: Date
      labSlug: string
      status: string
      endedAt: Date | null
      expiresAt: Date | null
    }
  | {
      kind: 'check-run'
      at: Date
      labSlug: string
      stepId: string
      runKind: string
      passed: boolean
      byInstructor: boolean
      durationMs: number
      exitCode: number | null
      timedOut: boolean
      output: string
      failMessages: string[]
      hints: string[]
    }

export interface LearnerActivity {
  learner: { id: string; name: string; email: string }
  events: ActivityEvent[]
  incidentReports: { id: string; title: string; fields: unknown; createdAt: Date; updatedAt: Date }[]
  /** The courses of the cohorts the viewer shares with this learner. */
  courseSlugs: string[]
}

/** How many of each kind of event are shown, newest first (check output can be long). */
export const ACTIVITY_LIMIT = 300

/**
 * One learner's activity timeline, for an instructor of one of their cohorts (or an admin):
 * only the courses of the cohorts they share, and only those courses' labs.
 */
export async function loadLearnerActivity({
  actor,
  learnerId,
}: {
  actor: Pick<CurrentUser, 'id' | 'role'>
  learnerId: string
}): Promise<LearnerActivity> {
  const scope = await requireLearnerScope({ actor, learnerId })
  const learner = await db().user.findUnique({
    where: { id: learnerId },
    select: { id: true, name: true, email: true },
  })
  if (!learner) throw new AppError('not-found', 'That learner does not exist.')
  const { courseSlugs } = scope
  const keyIn = (field: 'lessonKey' | 'quizKey') =>
    scope.all ? {} : { OR: courseSlugs.map((slug) => ({ [field]: { startsWith: `${slug}/` } })) }
  const courses = (await Promise.all(courseSlugs.map((slug) => getCourse(slug)))).filter(
    (c) => c !== undefined,
  )
  const lessonTitle = new Map(courses.flatMap((c) => c.lessons.map((l) => [l.key, l.title] as const)))
  const quizTitle = new Map(courses.flatMap((c) => c.modules.map((m) => [m.quiz.key, m.title] as const)))

  const [lessons, attempts, sessions, runs, reports] = await Promise.all([
    db().lessonProgress.findMany({
      where: { userId: learnerId, ...keyIn('lessonKey') },
      orderBy: { updatedAt: 'desc' },
      take: ACTIVITY_LIMIT,
      select: { lessonKey: true, earnedAt: true, lastVisitedAt: true, updatedAt: true },
    }),
    db().quizAttempt.findMany({
      where: { userId: learnerId, ...keyIn('quizKey') },
      orderBy: { createdAt: 'desc' },
      take: ACTIVITY_LIMIT,
      select: { quizKey: true, correct: true, total: true, passed: true, createdAt: true },
    }),
    db().labSession.findMany({
      where: { userId: learnerId },
      orderBy: { startedAt: 'desc' },
      take: ACTIVITY_LIMIT,
      select: { labSlug: true, status: true, startedAt: true, endedAt: true, expiresAt: true },
    }),
    db().checkRun.findMany({
      where: { userId: learnerId },
      orderBy: { createdAt: 'desc' },
      take: ACTIVITY_LIMIT,
      select: {
        labSlug: true,
        stepId: true,
        kind: true,
        passed: true,
        actorId: true,
        durationMs: true,
        exitCode: true,
        timedOut: true,
        output: true,
        failMessages: true,
        hints: true,
        createdAt: true,
      },
    }),
    db().incidentReport.findMany({
      where: { userId: learnerId },
      orderBy: { updatedAt: 'desc' },
      select: { id: true, title: true, fields: true, createdAt: true, updatedAt: true },
    }),
  ])

  const events: ActivityEvent[] = [
    ...lessons.map((l): ActivityEvent => ({
      kind: 'lesson',
      at: l.earnedAt ?? l.updatedAt,
      lessonKey: l.lessonKey,
      title: lessonTitle.get(l.lessonKey) ?? l.lessonKey,
      completed: l.earnedAt !== null,
    })),
    ...attempts.map((a): ActivityEvent => ({
      kind: 'quiz',
      at: a.createdAt,
      quizKey: a.quizKey,
      title: quizTitle.get(a.quizKey) ?? a.quizKey,
      correct: a.correct,
      total: a.total,
      passed: a.passed,
    })),
    ...sessions
      .filter((s) => scope.includesLab(s.labSlug))
      .map((s): ActivityEvent => ({
        kind: 'lab-session',
        at: s.startedAt,
        labSlug: s.labSlug,
        status: s.status,
        endedAt: s.endedAt,
        expiresAt: s.expiresAt,
      })),
    ...runs
      .filter((r) => scope.includesLab(r.labSlug))
      .map((r): ActivityEvent => ({
        kind: 'check-run',
        at: r.createdAt,
        labSlug: r.labSlug,
        stepId: r.stepId,
        runKind: r.kind,
        passed: r.passed,
        byInstructor: r.actorId !== learnerId,
        durationMs: r.durationMs,
        exitCode: r.exitCode,
        timedOut: r.timedOut,
        output: r.output,
        failMessages: r.failMessages,
        hints: r.hints,
      })),
  ].sort((a, b) => b.at.getTime() - a.at.getTime())
  return { learner, events, incidentReports: reports, courseSlugs }
}

import 'server-only'
import { requireCohortInstructor } from '@/server/cohorts/cohort-access'
import { db } from '@/server/db'
import { median } from '@/server/grading/compute-grade'
import { getGradedLabs, type GradedLabs } from '@/server/grading/graded-labs'
import type { CurrentUser } from '@/server/session/current-user'

export interface StepAnalytics {
  labSlug: string
  labTitle: string
  stepId: string
  stepTitle: string
  learnersTried: number
  learnersPassed: number
  /** Median number of checks a learner needed to pass (passed learners only). */
  medianAttemptsToPass: number | null
  /** Share of check runs that failed, 0–100. */
  failureRate: number | null
  checkRuns: number
  /** Median minutes from first try to pass (passed learners only). */
  medianMinutesToPass: number | null
  topFailMessages: { message: string; count: number }[]
}

const TOP_MESSAGES = 5

/** Where a cohort gets stuck in the labs: per step, in three grouped queries for the whole cohort. */
export async function loadLabAnalytics({
  actor,
  cohortId,
  labCatalog,
}: {
  actor: Pick<CurrentUser, 'id' | 'role'>
  cohortId: string
  /** The installed labs by default; tests pass their own. */
  labCatalog?: GradedLabs
}): Promise<StepAnalytics[]> {
  await requireCohortInstructor({ actor, cohortId })
  const { labs } = labCatalog ?? (await getGradedLabs())
  if (labs.length === 0) return []
  const users = { cohortsJoined: { some: { cohortId, removedAt: null } } }
  const labSlugs = labs.map((l) => l.slug)
  const [results, runCounts, failures] = await Promise.all([
    db().labStepResult.findMany({
      where: { user: users, labSlug: { in: labSlugs } },
      select: { labSlug: true, stepId: true, attempts: true, passedAt: true, firstTriedAt: true },
    }),
    db().checkRun.groupBy({
      by: ['labSlug', 'stepId', 'passed'],
      where: { user: users, labSlug: { in: labSlugs }, kind: 'check' },
      _count: { _all: true },
    }),
    db().checkRun.findMany({
      where: { user: users, labSlug: { in: labSlugs }, kind: 'check', passed: false },
      select: { labSlug: true, stepId: true, failMessages: true },
    }),
  ])
  const key = (lab: string, step: string) => `${lab}/${step}`
  const resultsBy = new Map<string, typeof results>()
  for (const r of results) {
    const k = key(r.labSlug, r.stepId)
    const list = resultsBy.get(k)
    if (list) list.push(r)
    else resultsBy.set(k, [r])
  }
  const runsBy = new Map<string, { passed: number; failed: number }>()
  for (const r of runCounts) {
    const entry = runsBy.get(key(r.labSlug, r.stepId)) ?? { passed: 0, failed: 0 }
    if (r.passed) entry.passed += r._count._all
    else entry.failed += r._count._all
    runsBy.set(key(r.labSlug, r.stepId), entry)
  }
  const messagesBy = new Map<string, Map<string, number>>()
  for (const f of failures) {
    const counts = messagesBy.get(key(f.labSlug, f.stepId)) ?? new Map<string, number>()
    // A run repeating one message counts once for it.
    for (const message of new Set(f.failMessages.map((m) => m.trim()).filter(Boolean)))
      counts.set(message, (counts.get(message) ?? 0) + 1)
    messagesBy.set(key(f.labSlug, f.stepId), counts)
  }

  return labs.flatMap((lab) =>
    lab.steps.map((step): StepAnalytics => {
      const k = key(lab.slug, step.id)
      const rows = resultsBy.get(k) ?? []
      const passed = rows.filter((r) => r.passedAt !== null)
      const runs = runsBy.get(k) ?? { passed: 0, failed: 0 }
      const total = runs.passed + runs.failed
      const minutes = median(passed.map((r) => (r.passedAt!.getTime() - r.firstTriedAt.getTime()) / 60_000))
      return {
        labSlug: lab.slug,
        labTitle: lab.title,
        stepId: step.id,
        stepTitle: step.title,
        learnersTried: rows.filter((r) => r.attempts > 0 || r.passedAt !== null).length,
        learnersPassed: passed.length,
        medianAttemptsToPass: median(passed.map((r) => r.attempts)),
        failureRate: total === 0 ? null : Math.round((runs.failed / total) * 100),
        checkRuns: total,
        medianMinutesToPass: minutes === null ? null : Math.round(minutes * 10) / 10,
        topFailMessages: [...(messagesBy.get(k) ?? new Map<string, number>()).entries()]
          .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
          .slice(0, TOP_MESSAGES)
          .map(([message, count]) => ({ message, count })),
      }
    }),
  )
}

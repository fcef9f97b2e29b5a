import 'server-only'
// The /labs page: every lab with the learner's points and whether a sandbox is running.
// Reads only the database (no runner call), so the list is fast and works with the engine down.
import { db } from '@/server/db'
import { LIVE_STATUSES } from './lab-session'
import { listLabs } from './list-labs'

export interface LabOverview {
  slug: string
  title: string
  summary: string
  stepCount: number
  stepsPassed: number
  pointsEarned: number
  totalPoints: number
  timeLimitMinutes: number
  running: boolean
}

export async function listLabOverview(options: { userId: string | null }): Promise<LabOverview[]> {
  const labs = await listLabs()
  const [results, live] = options.userId
    ? await Promise.all([
        db().labStepResult.findMany({
          where: { userId: options.userId },
          select: { labSlug: true, stepId: true, passedAt: true, points: true },
        }),
        db().labSession.findMany({
          where: { userId: options.userId, status: { in: LIVE_STATUSES } },
          select: { labSlug: true },
        }),
      ])
    : [[], []]
  return labs.map((lab) => {
    const mine = results.filter((r) => r.labSlug === lab.slug && lab.steps.some((s) => s.id === r.stepId))
    return {
      slug: lab.slug,
      title: lab.title,
      summary: lab.summary,
      stepCount: lab.steps.length,
      stepsPassed: mine.filter((r) => r.passedAt).length,
      pointsEarned: mine.reduce((sum, r) => sum + r.points, 0),
      totalPoints: lab.totalPoints,
      timeLimitMinutes: lab.limits.timeLimitMinutes,
      running: live.some((s) => s.labSlug === lab.slug),
    }
  })
}

import 'server-only'
// The lab's in-app dashboard for the signed-in learner: their own sandbox only, and only for a
// lab that declares a dashboard. The runner reads the panels file and runs the queries
// (lab-runner/src/dashboard/); its answer reaches the page unchanged.
import { dashboardQuerySchema, type DashboardResult } from '@/contracts/dashboard'
import { AppError } from '@/server/errors'
import { requireActiveSession, requireLab } from './lab-session'
import { runner } from './runner'
import { runnerFailure } from './runner-failure'

/** `range` from the query string (seconds); absent means the default range. */
export function parseDashboardRange(raw: string | null): number {
  const parsed = dashboardQuerySchema.safeParse(raw === null ? {} : { range: raw })
  if (!parsed.success) {
    throw new AppError(
      'invalid',
      `"range" ${parsed.error.issues[0]?.message ?? 'is invalid'} (for example range=3600 for the last hour).`,
    )
  }
  return parsed.data.range
}

export async function getLabDashboard(options: {
  user: { id: string }
  labSlug: string
  rangeS: number
}): Promise<DashboardResult> {
  const lab = await requireLab(options.labSlug)
  if (!lab.dashboard) throw new AppError('not-found', `The lab "${lab.title}" has no dashboard.`)
  const session = await requireActiveSession(options.user.id, options.labSlug)
  const result = await runner().getDashboard(session.sandboxId, options.rangeS)
  if (!result.ok) throw await runnerFailure(result, session.id)
  return result.value
}

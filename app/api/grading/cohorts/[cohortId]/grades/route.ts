import { withGradingToken } from '@/server/api-tokens/with-grading-token'
import { gradebookJson } from '@/server/grading/gradebook'
import { loadCohortProgress } from '@/server/grading/load-cohort-progress'

export const dynamic = 'force-dynamic'

/** GET /api/grading/cohorts/:cohortId/grades — the gradebook: policy, items, every learner's grades. */
export const GET = withGradingToken<{ params: Promise<{ cohortId: string }> }>('grades:read', async ({ actor, context }) => {
  const { cohortId } = await context.params
  return gradebookJson(await loadCohortProgress({ actor, cohortId }))
})

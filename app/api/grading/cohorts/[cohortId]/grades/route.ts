import { withGradingToken } from '@/server/api-tokens/with-grading-token'
import { gradebookJson } from '@/server/grading/gradebook'
import { loadCohortProgress } from '@/server/grading/load-cohort-progress'

export const dynamic = 'force-dynamic'

/** GET /api/grading/cohorts/:cohortId/grades — the gradebook: policy, items, every learner's grades. */
export const GET = withGradingToken('grades:read', {}, async ({ actor, params }) =>
  gradebookJson(await loadCohortProgress({ actor, cohortId: params.cohortId ?? '' })),
)

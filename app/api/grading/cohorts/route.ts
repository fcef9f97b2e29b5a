import { withGradingToken } from '@/server/api-tokens/with-grading-token'
import { listTaughtCohorts } from '@/server/cohorts/list-cohorts'

export const dynamic = 'force-dynamic'

/** GET /api/grading/cohorts — the cohorts the token's owner teaches. */
export const GET = withGradingToken('grades:read', {}, async ({ actor }) => {
  const cohorts = await listTaughtCohorts({ actor })
  return {
    cohorts: cohorts.map((c) => ({
      id: c.id,
      name: c.name,
      courseSlug: c.courseSlug,
      learners: c.learners,
      archived: c.archivedAt !== null,
      gradesUrl: `/api/grading/cohorts/${c.id}/grades`,
    })),
  }
})

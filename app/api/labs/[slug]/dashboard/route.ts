import { getLabDashboard, parseDashboardRange } from '@/server/labs/lab-dashboard'
import { labRoute } from '../../_lib/lab-route'

export const dynamic = 'force-dynamic'

/** The learner's dashboard panels with their data; `?range=<seconds>` (default one hour). */
export const GET = labRoute({}, ({ user, params, query }) =>
  getLabDashboard({ user, labSlug: params.slug ?? '', rangeS: parseDashboardRange(query.get('range')) }),
)

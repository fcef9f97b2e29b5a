import { runCheck } from '@/server/labs/run-check'
import { labRoute } from '../../../../_lib/lab-route'

export const dynamic = 'force-dynamic'
// A check may run for up to its own timeout (at most 10 minutes).
export const maxDuration = 620

export const POST = labRoute({}, ({ user, params }) => runCheck({ user, labSlug: params.slug ?? '', stepId: params.stepId ?? '' }))

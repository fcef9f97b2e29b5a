import { parseRequestKey } from '@/server/labs/check-guard'
import { runCheck } from '@/server/labs/run-check'
import { labRoute } from '../../../../_lib/lab-route'

export const dynamic = 'force-dynamic'
// A check may run for up to its own timeout (at most 10 minutes).
export const maxDuration = 620

// Body: `{ requestKey }`, one new key per Check press; a repeat with the same key (a request
// whose answer was lost) returns the first result instead of checking again.
export const POST = labRoute({}, ({ user, params, body }) =>
  runCheck({
    user,
    labSlug: params.slug ?? '',
    stepId: params.stepId ?? '',
    requestKey: parseRequestKey(body.requestKey),
  }),
)

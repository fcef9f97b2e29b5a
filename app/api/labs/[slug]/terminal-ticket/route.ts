import { mintTerminalTicket } from '@/server/labs/mint-terminal-ticket'
import { labRoute, stringField } from '../../_lib/lab-route'

export const dynamic = 'force-dynamic'

/** A fresh single-use ticket before every (re)connect. Learners get read-write on their own sandbox. */
export const POST = labRoute(({ user, params, body }) =>
  mintTerminalTicket({
    user,
    labSlug: params.slug ?? '',
    host: stringField(body.host, 'host'),
    mode: 'rw',
    ...(typeof body.tab === 'string' ? { tab: body.tab } : {}),
  }),
)

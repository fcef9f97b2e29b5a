import { mintWatchTicket } from '@/server/labs/mint-watch-ticket'
import { labRoute } from '../../../../labs/_lib/lab-route'

export const dynamic = 'force-dynamic'

/** A fresh single-use read-only ticket before every (re)connect of an instructor's watch terminal. */
export const POST = labRoute(({ user, params, body }) =>
  mintWatchTicket({
    actor: user,
    sessionId: params.sessionId ?? '',
    ...(typeof body.host === 'string' && body.host !== '' ? { host: body.host } : {}),
  }),
)

import { z } from 'zod'
import { mintWatchTicket } from '@/server/labs/mint-watch-ticket'
import { labRoute } from '../../../../labs/_lib/lab-route'

export const dynamic = 'force-dynamic'

const body = z.object({ host: z.string().optional() })

/** A fresh single-use read-only ticket before every (re)connect of an instructor's watch terminal. */
export const POST = labRoute({ body }, ({ user, params, body }) =>
  mintWatchTicket({
    actor: user,
    sessionId: params.sessionId ?? '',
    ...(body.host ? { host: body.host } : {}),
  }),
)

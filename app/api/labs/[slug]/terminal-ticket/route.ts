import { z } from 'zod'
import { mintTerminalTicket } from '@/server/labs/mint-terminal-ticket'
import { labRoute } from '../../_lib/lab-route'

export const dynamic = 'force-dynamic'

const body = z.object({ host: z.string().min(1, 'must be a non-empty string'), tab: z.string().optional() })

/** A fresh single-use ticket before every (re)connect. Learners get read-write on their own sandbox. */
export const POST = labRoute({ body }, ({ user, params, body }) =>
  mintTerminalTicket({
    user,
    labSlug: params.slug ?? '',
    host: body.host,
    mode: 'rw',
    ...(body.tab !== undefined ? { tab: body.tab } : {}),
  }),
)

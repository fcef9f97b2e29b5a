import { z } from 'zod'
import { openServiceTab } from '@/server/labs/sandbox-actions'
import { labRoute } from '../../_lib/lab-route'

export const dynamic = 'force-dynamic'

const body = z.object({ host: z.string().min(1, 'must be a non-empty string'), port: z.number() })

export const POST = labRoute({ body }, ({ user, params, body }) =>
  openServiceTab({ user, labSlug: params.slug ?? '', host: body.host, port: body.port }),
)

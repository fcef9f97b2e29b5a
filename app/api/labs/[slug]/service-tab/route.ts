import { openServiceTab } from '@/server/labs/sandbox-actions'
import { labRoute, stringField } from '../../_lib/lab-route'

export const dynamic = 'force-dynamic'

export const POST = labRoute(({ user, params, body }) =>
  openServiceTab({ user, labSlug: params.slug ?? '', host: stringField(body.host, 'host'), port: Number(body.port) }),
)

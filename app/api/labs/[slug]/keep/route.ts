import { keepLab } from '@/server/labs/sandbox-actions'
import { labRoute } from '../../_lib/lab-route'

export const dynamic = 'force-dynamic'

export const POST = labRoute({}, ({ user, params }) => keepLab({ user, labSlug: params.slug ?? '' }))

import { getLabState } from '@/server/labs/get-lab-state'
import { labRoute } from '../../_lib/lab-route'

export const dynamic = 'force-dynamic'

export const GET = labRoute({}, ({ user, params }) => getLabState({ user, labSlug: params.slug ?? '' }))

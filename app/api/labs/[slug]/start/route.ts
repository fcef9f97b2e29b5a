import { startLab } from '@/server/labs/start-lab'
import { labRoute } from '../../_lib/lab-route'

export const dynamic = 'force-dynamic'

/** Starts (or finds) the learner's sandbox. While queued, the page repeats this to keep its place. */
export const POST = labRoute({}, ({ user, params }) => startLab({ user, labSlug: params.slug ?? '' }))

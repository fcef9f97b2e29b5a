import { jsonRoute } from '@/server/http/json-route'
import { authenticateMediaAuthor } from '@/server/media/media-access'
import { courseMedia } from '@/server/media/course-media'

export const dynamic = 'force-dynamic'

/** The media page polls this while uploads or processing are under way. */
export const GET = jsonRoute({ authenticate: authenticateMediaAuthor }, async ({ params }) => ({
  lessons: await courseMedia(params.course ?? ''),
}))

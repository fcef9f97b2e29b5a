import { isLessonKey } from '@/server/content/catalog'
import { AppError } from '@/server/errors'
import { recordVideoProgress } from '@/server/progress/record-video-progress'
import { getCurrentUser } from '@/server/session/current-user'

export const dynamic = 'force-dynamic'

// 200 ranges of two numbers each fit easily; anything bigger is not our player.
const MAX_BODY_BYTES = 32 * 1024

function error(status: number, message: string) {
  return Response.json({ error: message }, { status })
}

/**
 * The player reports played segments here every ~10 s, on pause, on seek and (as a beacon)
 * when the page goes away. Body: `{ lessonKey, ranges: [[start, end], ...], position, duration }`.
 */
export async function POST(request: Request) {
  const user = await getCurrentUser()
  if (!user) return error(401, 'Sign in to save your progress.')
  // Requiring JSON makes a cross-site form post impossible (it would need a CORS preflight).
  if (!request.headers.get('content-type')?.startsWith('application/json')) {
    return error(415, 'Send the progress as application/json.')
  }
  const text = await request.text()
  if (text.length > MAX_BODY_BYTES) return error(413, 'Progress report too large: send fewer ranges per call.')
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    return error(400, 'Progress report is not valid JSON.')
  }
  if (typeof body !== 'object' || body === null) return error(400, 'Progress report must be a JSON object.')
  const { lessonKey, ranges, position, duration } = body as Record<string, unknown>
  try {
    const progress = await recordVideoProgress({
      userId: user.id,
      lessonKey: typeof lessonKey === 'string' ? lessonKey : '',
      ranges,
      position,
      duration,
      isKnownLesson: isLessonKey,
    })
    return Response.json({ watchedSeconds: progress.watchedSeconds, ranges: progress.ranges })
  } catch (e) {
    if (e instanceof AppError) return error(e.status, e.message)
    throw e
  }
}

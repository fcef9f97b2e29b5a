import { z } from 'zod'
import { isLessonKey } from '@/server/content/catalog'
import { jsonResponse, jsonRoute } from '@/server/http/json-route'
import { recordVideoProgress } from '@/server/progress/record-video-progress'
import { getCurrentUser } from '@/server/session/current-user'

export const dynamic = 'force-dynamic'

// 200 ranges of two numbers each fit easily; anything bigger is not our player.
const MAX_BODY_BYTES = 32 * 1024

// The shape only; recordVideoProgress checks the values (ranges, position, duration) itself.
const body = z.object({
  lessonKey: z.unknown(),
  ranges: z.unknown(),
  position: z.unknown(),
  duration: z.unknown(),
})

/**
 * The player reports played segments here every ~10 s, on pause, on seek and (as a beacon)
 * when the page goes away. Body: `{ lessonKey, ranges: [[start, end], ...], position, duration }`.
 */
export const POST = jsonRoute(
  {
    authenticate: async () => {
      const user = await getCurrentUser()
      if (!user)
        return { ok: false, response: jsonResponse(401, { error: 'Sign in to save your progress.' }) }
      return { ok: true, actor: user }
    },
    body,
    maxBodyBytes: MAX_BODY_BYTES,
  },
  async ({ actor, body: { lessonKey, ranges, position, duration } }) => {
    const progress = await recordVideoProgress({
      userId: actor.id,
      lessonKey: typeof lessonKey === 'string' ? lessonKey : '',
      ranges,
      position,
      duration,
      isKnownLesson: isLessonKey,
    })
    return { watchedSeconds: progress.watchedSeconds, ranges: progress.ranges }
  },
)

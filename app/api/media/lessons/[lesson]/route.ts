import { z } from 'zod'
import { getLessonContext } from '@/server/content/catalog'
import { AppError } from '@/server/errors'
import { jsonRoute } from '@/server/http/json-route'
import { proposedChaptersText } from '@/server/media/course-media'
import { authenticateMediaAuthor } from '@/server/media/media-access'
import {
  removeCaptions,
  removeLessonRecordings,
  retryRecording,
  saveCaptions,
  saveChapters,
} from '@/server/media/recordings'

export const dynamic = 'force-dynamic'

const body = z.discriminatedUnion('action', [
  z.object({ action: z.literal('retry'), courseSlug: z.string(), recordingId: z.string().uuid() }),
  z.object({ action: z.literal('remove'), courseSlug: z.string() }),
  z.object({ action: z.literal('save-captions'), courseSlug: z.string(), text: z.string() }),
  z.object({ action: z.literal('remove-captions'), courseSlug: z.string() }),
  z.object({ action: z.literal('save-chapters'), courseSlug: z.string(), text: z.string().max(50_000) }),
  z.object({ action: z.literal('propose-chapters'), courseSlug: z.string() }),
])

/** The author's actions on one lesson's media. */
export const POST = jsonRoute(
  { authenticate: authenticateMediaAuthor, body, maxBodyBytes: 3 * 1024 * 1024 },
  async ({ params, body: input }) => {
    const lessonSlug = params.lesson ?? ''
    if (!(await getLessonContext(input.courseSlug, lessonSlug))) {
      throw new AppError('not-found', `There is no lesson "${lessonSlug}" in course "${input.courseSlug}".`)
    }
    switch (input.action) {
      case 'retry':
        await retryRecording(input.recordingId)
        return { ok: true }
      case 'remove':
        return { removed: await removeLessonRecordings(lessonSlug) }
      case 'save-captions':
        return saveCaptions(lessonSlug, input.text)
      case 'remove-captions':
        await removeCaptions(lessonSlug)
        return { ok: true }
      case 'save-chapters':
        return saveChapters(lessonSlug, input.text)
      case 'propose-chapters':
        return { text: await proposedChaptersText(input.courseSlug, lessonSlug) }
    }
  },
)

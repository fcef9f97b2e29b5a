'use server'

import { revalidatePath } from 'next/cache'
import { z } from 'zod'
import { getCurrentUser } from '@/server/session/current-user'
import { markLessonRead, setLessonBookmark, type ReadResult } from '@/server/progress/lesson-progress'

const lessonKey = z.string().regex(/^[a-z0-9-]+\/[a-z0-9-]+$/)

/** The read sentinel reached the end of the notes; the server decides whether that counts. */
export async function markLessonReadAction(key: string): Promise<ReadResult | null> {
  const user = await getCurrentUser()
  if (!user) return null
  const result = await markLessonRead({ userId: user.id, lessonKey: lessonKey.parse(key) })
  if (result.status === 'earned') {
    const [course, lesson] = key.split('/')
    revalidatePath(`/courses/${course}/${lesson}`)
    revalidatePath(`/courses/${course}`)
  }
  return result
}

/** The personal "done" bookmark; it does not count toward the grade. */
export async function setLessonBookmarkAction(form: FormData): Promise<void> {
  const user = await getCurrentUser()
  if (!user) return
  const key = lessonKey.parse(form.get('lessonKey'))
  await setLessonBookmark({ userId: user.id, lessonKey: key, bookmarked: form.get('bookmarked') === 'true' })
  const [course, lesson] = key.split('/')
  revalidatePath(`/courses/${course}/${lesson}`)
  revalidatePath(`/courses/${course}`)
}

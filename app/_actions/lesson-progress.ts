'use server'

import { revalidatePath } from 'next/cache'
import { z } from 'zod'
import { getCurrentUser } from '@/server/session/current-user'
import { markLessonRead, setLessonComplete } from '@/server/progress/lesson-progress'

const lessonKey = z.string().regex(/^[a-z0-9-]+\/[a-z0-9-]+$/)

export async function markLessonReadAction(key: string): Promise<void> {
  const user = await getCurrentUser()
  if (!user) return
  await markLessonRead({ userId: user.id, lessonKey: lessonKey.parse(key) })
}

export async function setLessonCompleteAction(form: FormData): Promise<void> {
  const user = await getCurrentUser()
  if (!user) return
  const key = lessonKey.parse(form.get('lessonKey'))
  await setLessonComplete({ userId: user.id, lessonKey: key, complete: form.get('complete') === 'true' })
  const [course, lesson] = key.split('/')
  revalidatePath(`/courses/${course}/${lesson}`)
  revalidatePath(`/courses/${course}`)
}

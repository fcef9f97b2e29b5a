'use server'

import { revalidatePath } from 'next/cache'
import { z } from 'zod'
import { requireRole } from '@/server/session/current-user'
import { setUserRole } from '@/server/users/set-user-role'
import { MAX_POOL_SIZE, setLabPoolSize } from '@/server/pools/pool-settings'

const input = z.object({ userId: z.string().min(1), role: z.enum(['learner', 'instructor', 'admin']) })

export async function changeRoleAction(form: FormData) {
  const actor = await requireRole('/admin', ['admin'])
  const { userId, role } = input.parse({ userId: form.get('userId'), role: form.get('role') })
  await setUserRole({ actor, userId, role })
  revalidatePath('/admin')
}

export async function setPoolSizeAction(form: FormData) {
  const actor = await requireRole('/admin', ['admin'])
  const parsed = z
    .object({ labSlug: z.string().min(1), size: z.coerce.number().int().min(0).max(MAX_POOL_SIZE) })
    .safeParse({ labSlug: form.get('labSlug'), size: form.get('size') })
  if (!parsed.success) throw new Error(`The pool size must be a whole number from 0 to ${MAX_POOL_SIZE}.`)
  await setLabPoolSize({ actor, ...parsed.data, now: new Date() })
  revalidatePath('/admin')
}

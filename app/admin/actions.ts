'use server'

import { revalidatePath } from 'next/cache'
import { z } from 'zod'
import { requireRole } from '@/server/session/current-user'
import { setUserRole } from '@/server/users/set-user-role'

const input = z.object({
  userId: z.string().min(1),
  role: z.enum(['learner', 'instructor', 'admin', 'author']),
})

export async function changeRoleAction(form: FormData) {
  const actor = await requireRole('/admin', ['admin'])
  const { userId, role } = input.parse({ userId: form.get('userId'), role: form.get('role') })
  await setUserRole({ actor, userId, role })
  revalidatePath('/admin')
}

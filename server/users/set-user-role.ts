import 'server-only'
import { db } from '@/server/db'
import type { CurrentUser, Role } from '@/server/session/current-user'
import { AppError } from '@/server/errors'

export async function setUserRole({
  actor,
  userId,
  role,
}: {
  actor: CurrentUser
  userId: string
  role: Role
}) {
  if (actor.role !== 'admin') throw new AppError('forbidden', 'Only admins can change roles.')
  if (actor.id === userId && role !== 'admin') {
    throw new AppError('invalid', 'You cannot remove your own admin role; ask another admin.')
  }
  const updated = await db().user.updateMany({ where: { id: userId }, data: { role } })
  if (updated.count === 0) throw new AppError('not-found', 'That account no longer exists.')
}

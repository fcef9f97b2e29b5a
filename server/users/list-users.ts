import 'server-only'
import { db } from '@/server/db'
import type { CurrentUser, Role } from '@/server/session/current-user'
import { AppError } from '@/server/errors'

export interface UserRow {
  id: string
  name: string
  email: string
  role: Role
  createdAt: Date
}

export async function listUsers({ actor }: { actor: CurrentUser }): Promise<UserRow[]> {
  if (actor.role !== 'admin') throw new AppError('forbidden', 'Only admins can list accounts.')
  return db().user.findMany({
    select: { id: true, name: true, email: true, role: true, createdAt: true },
    orderBy: { createdAt: 'asc' },
    take: 500,
  })
}

import 'server-only'
import { headers } from 'next/headers'
import { forbidden, redirect } from 'next/navigation'
import { cache } from 'react'
import { getAuth } from '@/server/auth'
import { safeReturnPath } from '@/config/safe-return-path'
import { webConfig } from '@/server/config'
import { currentRequest } from '@/server/log/log'

export type Role = 'learner' | 'instructor' | 'admin'

export interface CurrentUser {
  id: string
  name: string
  email: string
  role: Role
}

function toRole(value: unknown): Role {
  return value === 'admin' || value === 'instructor' ? value : 'learner'
}

/** The signed-in user of this request, or null. Cached per request. */
export const getCurrentUser = cache(async (): Promise<CurrentUser | null> => {
  // Reading headers first marks the page dynamic, so nothing here runs at build time.
  const requestHeaders = await headers()
  const session = await getAuth().api.getSession({ headers: requestHeaders })
  if (!session) return null
  const { id, name, email, role } = session.user
  // The request's log lines name the user from here on.
  const context = currentRequest()
  if (context) context.userId = id
  return { id, name, email, role: toRole(role) }
})

/** Sends a signed-out visitor to sign-in, and back to `returnTo` afterwards. */
export async function requireUser(returnTo: string): Promise<CurrentUser> {
  const user = await getCurrentUser()
  if (!user) redirect(`/sign-in?next=${encodeURIComponent(safeReturnPath(returnTo, webConfig().PUBLIC_URL))}`)
  return user
}

/** Like requireUser, and answers 403 when the user lacks every one of `roles`. */
export async function requireRole(returnTo: string, roles: readonly Role[]): Promise<CurrentUser> {
  const user = await requireUser(returnTo)
  if (!roles.includes(user.role)) forbidden()
  return user
}

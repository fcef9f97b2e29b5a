import 'server-only'
import { jsonResponse, type Authenticate } from '@/server/http/json-route'
import { getCurrentUser, type CurrentUser } from '@/server/session/current-user'

export const MEDIA_ROLES = ['author', 'admin'] as const

/** The media APIs: authors and admins only. */
export const authenticateMediaAuthor: Authenticate<CurrentUser> = async () => {
  const user = await getCurrentUser()
  if (!user) return { ok: false, response: jsonResponse(401, { error: 'Sign in as an author or admin.' }) }
  if (!(MEDIA_ROLES as readonly string[]).includes(user.role)) {
    return {
      ok: false,
      response: jsonResponse(403, { error: 'Only authors and admins manage course media.' }),
    }
  }
  return { ok: true, actor: user }
}

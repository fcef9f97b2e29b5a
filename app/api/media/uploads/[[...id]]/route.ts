import { getCurrentUser } from '@/server/session/current-user'
import { tusServer, UPLOADER_HEADER } from '@/server/media/uploads'

export const dynamic = 'force-dynamic'

const MAY_UPLOAD = new Set(['author', 'admin'])

/** Every tus request (create, offset, chunk, cancel) goes through here: authors and admins only. */
async function handle(request: Request): Promise<Response> {
  const user = await getCurrentUser()
  if (!user) return new Response('Sign in as an author or admin to upload recordings.\n', { status: 401 })
  if (!MAY_UPLOAD.has(user.role)) {
    return new Response('Only authors and admins may upload recordings.\n', { status: 403 })
  }
  const headers = new Headers(request.headers)
  headers.set(UPLOADER_HEADER, user.id)
  const forwarded = new Request(request.url, {
    method: request.method,
    headers,
    body: request.body,
    // Streamed through: a chunk is never held in memory whole.
    duplex: 'half',
  } as RequestInit)
  return tusServer().handleWeb(forwarded)
}

export const POST = handle
export const PATCH = handle
export const HEAD = handle
export const DELETE = handle
export const OPTIONS = handle

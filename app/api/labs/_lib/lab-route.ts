// One wrapper for every lab route handler: signed-in user, JSON in (mutations must be sent as
// application/json, which a cross-site form cannot do), JSON out, AppError → its status.
import { AppError } from '@/server/errors'
import { routePattern, timeRequest } from '@/server/metrics/metrics'
import { getCurrentUser, type CurrentUser } from '@/server/session/current-user'

const MAX_BODY_BYTES = 1024 * 1024 + 4096

type Params = { params: Promise<Record<string, string>> }

export interface LabRouteContext {
  user: CurrentUser
  params: Record<string, string>
  body: Record<string, unknown>
  query: URLSearchParams
}

export function labRoute(handler: (ctx: LabRouteContext) => Promise<unknown>) {
  return async (request: Request, { params }: Params): Promise<Response> => {
    const values = await params
    const route = routePattern(new URL(request.url).pathname, values)
    return timeRequest(route, request.method, () => answer(request, values))
  }

  async function answer(request: Request, params: Record<string, string>): Promise<Response> {
    const user = await getCurrentUser()
    if (!user) return Response.json({ error: 'Sign in to use the labs.' }, { status: 401 })
    let body: Record<string, unknown> = {}
    if (request.method !== 'GET') {
      if (!request.headers.get('content-type')?.startsWith('application/json')) {
        return Response.json({ error: 'Send the request as application/json.' }, { status: 415 })
      }
      const text = await request.text()
      if (text.length > MAX_BODY_BYTES) return Response.json({ error: 'Request too large.' }, { status: 413 })
      try {
        const parsed: unknown = text === '' ? {} : JSON.parse(text)
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object')
        body = parsed as Record<string, unknown>
      } catch {
        return Response.json({ error: 'The request body must be a JSON object.' }, { status: 400 })
      }
    }
    try {
      const result = await handler({ user, params, body, query: new URL(request.url).searchParams })
      return Response.json(result ?? { ok: true }, { headers: { 'cache-control': 'no-store' } })
    } catch (error) {
      if (error instanceof AppError) return Response.json({ error: error.message, code: error.code }, { status: error.status })
      throw error
    }
  }
}

export function stringField(value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '') throw new AppError('invalid', `"${name}" must be a non-empty string.`)
  return value
}

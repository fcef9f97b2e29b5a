import 'server-only'
import { AppError } from '@/server/errors'
import type { CurrentUser } from '@/server/session/current-user'
import { authenticateApiToken } from './api-tokens'

const REFUSAL = {
  missing: 'Send an API token: "Authorization: Bearer hxa_…" (create one at /instructor/tokens).',
  invalid: 'That API token is not valid. Create a new one at /instructor/tokens.',
  revoked: 'That API token was revoked. Create a new one at /instructor/tokens.',
  'not-staff': 'The owner of this token is no longer an instructor.',
} as const

function json(status: number, body: unknown, headers: Record<string, string> = {}) {
  return Response.json(body, { status, headers: { 'cache-control': 'no-store', ...headers } })
}

/**
 * The one wrapper of the grading API: token authentication, then the handler as the token's
 * owner (with that user's permissions), expected failures as `{ error }` with their status.
 */
export function withGradingToken<C>(handler: (args: { request: Request; actor: CurrentUser; context: C }) => Promise<unknown>) {
  return async (request: Request, context: C): Promise<Response> => {
    const auth = await authenticateApiToken(request.headers.get('authorization'))
    if (auth.status !== 'ok') {
      const status = auth.status === 'not-staff' ? 403 : 401
      return json(status, { error: REFUSAL[auth.status] }, status === 401 ? { 'www-authenticate': 'Bearer realm="grading"' } : {})
    }
    try {
      return json(200, await handler({ request, actor: auth.actor, context }))
    } catch (e) {
      if (e instanceof AppError) return json(e.status, { error: e.message, code: e.code })
      throw e
    }
  }
}

/** Reads a JSON body of at most `maxBytes`; a wrong type or size is an AppError. */
export async function readJsonBody(request: Request, maxBytes = 16 * 1024): Promise<unknown> {
  if (!request.headers.get('content-type')?.startsWith('application/json')) {
    throw new AppError('invalid', 'Send the body as application/json.')
  }
  const text = await request.text()
  if (text.length > maxBytes) throw new AppError('invalid', `The body is larger than ${maxBytes} bytes.`)
  try {
    return JSON.parse(text)
  } catch {
    throw new AppError('invalid', 'The body is not valid JSON.')
  }
}

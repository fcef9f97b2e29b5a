import 'server-only'
import { AppError } from '@/server/errors'
import type { CurrentUser } from '@/server/session/current-user'
import { recordAuditEvent } from '@/server/audit/record-audit-event'
import { authenticateApiToken, type TokenScope } from './api-tokens'

const REFUSAL = {
  missing: 'Send an API token: "Authorization: Bearer hxa_…" (create one at /instructor/tokens).',
  invalid: 'That API token is not valid. Create a new one at /instructor/tokens.',
  revoked: 'That API token was revoked. Create a new one at /instructor/tokens.',
  expired: 'That API token has expired. Create a new one at /instructor/tokens.',
  'not-staff': 'The owner of this token is no longer an instructor.',
} as const

function json(status: number, body: unknown, headers: Record<string, string> = {}) {
  return Response.json(body, { status, headers: { 'cache-control': 'no-store', ...headers } })
}

/**
 * The one wrapper of the grading API: token authentication and the scope the route needs, then
 * the handler as the token's owner (with that user's permissions), expected failures as
 * `{ error }` with their status. Refusals of a known token (revoked, expired, out of scope) are
 * audited, so a leaked token being tried shows up in the log.
 */
export function withGradingToken<C>(
  scope: TokenScope,
  handler: (args: { request: Request; actor: CurrentUser; context: C }) => Promise<unknown>,
) {
  return async (request: Request, context: C): Promise<Response> => {
    const auth = await authenticateApiToken(request.headers.get('authorization'))
    if (auth.status !== 'ok') {
      const status = auth.status === 'not-staff' ? 403 : 401
      if ('tokenId' in auth) {
        await recordAuditEvent({
          actorId: auth.ownerId,
          action: 'api-token.refused',
          details: { tokenId: auth.tokenId, reason: auth.status, path: new URL(request.url).pathname },
        })
      }
      return json(status, { error: REFUSAL[auth.status] }, status === 401 ? { 'www-authenticate': 'Bearer realm="grading"' } : {})
    }
    if (!auth.scopes.includes(scope)) {
      await recordAuditEvent({
        actorId: auth.actor.id,
        action: 'api-token.refused',
        details: { tokenId: auth.tokenId, reason: 'missing-scope', scope, path: new URL(request.url).pathname },
      })
      return json(403, {
        error: `This token may not do that: it needs the "${scope}" scope. Create a token with it at /instructor/tokens.`,
      })
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

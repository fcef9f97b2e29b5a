import 'server-only'
import type { z } from 'zod'
import { jsonResponse, jsonRoute, type Authenticate, type JsonRouteArgs } from '@/server/http/json-route'
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

/**
 * Token authentication for one scope. Refusals of a known token (revoked, expired, out of scope)
 * are audited, so a leaked token being tried shows up in the log.
 */
export function gradingToken(scope: TokenScope): Authenticate<CurrentUser> {
  return async (request) => {
    const path = new URL(request.url).pathname
    const auth = await authenticateApiToken(request.headers.get('authorization'))
    if (auth.status !== 'ok') {
      const status = auth.status === 'not-staff' ? 403 : 401
      if ('tokenId' in auth) {
        await recordAuditEvent({
          actorId: auth.ownerId,
          action: 'api-token.refused',
          details: { tokenId: auth.tokenId, reason: auth.status, path },
        })
      }
      const headers: Record<string, string> =
        status === 401 ? { 'www-authenticate': 'Bearer realm="grading"' } : {}
      return { ok: false, response: jsonResponse(status, { error: REFUSAL[auth.status] }, headers) }
    }
    if (!auth.scopes.includes(scope)) {
      await recordAuditEvent({
        actorId: auth.actor.id,
        action: 'api-token.refused',
        details: { tokenId: auth.tokenId, reason: 'missing-scope', scope, path },
      })
      const error = `This token may not do that: it needs the "${scope}" scope. Create a token with it at /instructor/tokens.`
      return { ok: false, response: jsonResponse(403, { error }) }
    }
    return { ok: true, actor: auth.actor }
  }
}

/**
 * The grading API's use of the one JSON route wrapper (server/http/json-route.ts): token
 * authentication with the scope the route needs, then the handler as the token's owner (with
 * that user's permissions).
 */
export function withGradingToken<R, BS extends z.ZodType = z.ZodType<Record<string, unknown>>>(
  scope: TokenScope,
  schemas: { body?: BS },
  handler: (args: JsonRouteArgs<CurrentUser, z.output<BS>, URLSearchParams>) => Promise<R>,
) {
  return jsonRoute({ authenticate: gradingToken(scope), ...schemas }, handler)
}

import 'server-only'
import type { z } from 'zod'
import { jsonResponse, jsonRoute, type Authenticate, type JsonRouteArgs } from '@/server/http/json-route'
import type { CurrentUser } from '@/server/session/current-user'
import { authenticateApiToken } from './api-tokens'

const REFUSAL = {
  missing: 'Send an API token: "Authorization: Bearer hxa_…" (create one at /instructor/tokens).',
  invalid: 'That API token is not valid. Create a new one at /instructor/tokens.',
  revoked: 'That API token was revoked. Create a new one at /instructor/tokens.',
  'not-staff': 'The owner of this token is no longer an instructor.',
} as const

export const gradingToken: Authenticate<CurrentUser> = async (request) => {
  const auth = await authenticateApiToken(request.headers.get('authorization'))
  if (auth.status === 'ok') return { ok: true, actor: auth.actor }
  const status = auth.status === 'not-staff' ? 403 : 401
  const headers: Record<string, string> =
    status === 401 ? { 'www-authenticate': 'Bearer realm="grading"' } : {}
  return { ok: false, response: jsonResponse(status, { error: REFUSAL[auth.status] }, headers) }
}

/**
 * The grading API's use of the one JSON route wrapper (server/http/json-route.ts): token
 * authentication, then the handler as the token's owner (with that user's permissions).
 */
export function withGradingToken<R, BS extends z.ZodType = z.ZodType<Record<string, unknown>>>(
  schemas: { body?: BS },
  handler: (args: JsonRouteArgs<CurrentUser, z.output<BS>, URLSearchParams>) => Promise<R>,
) {
  return jsonRoute({ authenticate: gradingToken, ...schemas }, handler)
}

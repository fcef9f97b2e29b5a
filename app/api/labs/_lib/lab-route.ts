// The lab routes' use of the one JSON route wrapper (server/http/json-route.ts): a signed-in
// user, mutations as application/json (up to a file the editor saves), JSON out.
import type { z } from 'zod'
import { jsonResponse, jsonRoute, type Authenticate, type JsonRouteArgs } from '@/server/http/json-route'
import { getCurrentUser, type CurrentUser } from '@/server/session/current-user'

/** The editor saves files of up to 1 MiB; the rest is the JSON around it. */
const MAX_BODY_BYTES = 1024 * 1024 + 4096

export const signedInUser: Authenticate<CurrentUser> = async () => {
  const user = await getCurrentUser()
  if (!user) return { ok: false, response: jsonResponse(401, { error: 'Sign in to use the labs.' }) }
  return { ok: true, actor: user }
}

export type LabRouteArgs<B, Q> = JsonRouteArgs<CurrentUser, B, Q> & { user: CurrentUser }

export function labRoute<
  R,
  BS extends z.ZodType = z.ZodType<Record<string, unknown>>,
  QS extends z.ZodType = z.ZodType<URLSearchParams>,
>(
  schemas: { body?: BS; query?: QS },
  handler: (args: LabRouteArgs<z.output<BS>, z.output<QS>>) => Promise<R>,
) {
  return jsonRoute({ authenticate: signedInUser, maxBodyBytes: MAX_BODY_BYTES, ...schemas }, (args) =>
    handler({ ...args, user: args.actor }),
  )
}

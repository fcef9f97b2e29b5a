// Browser access to sandbox web UIs (`serviceTabs`) through the runner's reverse proxy (proxy/).
// The web app mints a single-use proxy ticket over REST for the signed-in learner; the lab page
// POSTs it to `/proxy-open/<sandbox>/<host>/<port>`, which we trade for a signed cookie scoped to
// that one tab's path (the UI's own assets and XHRs then carry it) and redirect.
// Redemption is a POST whose Origin must be the web app: a ticket in a link (a bearer link an
// attacker could send to a victim) is never accepted, so only the learner's own lab page, which
// only ever holds tickets minted for that learner, can open a tab (issue 12, gap 3).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { z } from 'zod'
import { proxyHttp } from '../proxy/proxy-http'
import type { SandboxRegistry } from '../sandboxes/sandbox-registry'
import type { TicketStore } from '../terminal/tickets'
import { HttpError } from './http-error'
import type { Router } from './router'
import { notFound } from './sandbox-routes'

const COOKIE = 'academy_proxy'
const COOKIE_MAX_AGE_MS = 4 * 3600_000

const proxyTicketRequestSchema = z.strictObject({
  userId: z.string().min(1).max(200),
  host: z.string().regex(/^[a-z0-9][a-z0-9_.-]*$/),
  port: z.number().int().min(1).max(65535),
})

export function addProxyRoutes(
  api: Router,
  open: Router,
  deps: { registry: SandboxRegistry; tickets: TicketStore; publicOrigins: readonly string[] },
): void {
  const { registry, tickets, publicOrigins } = deps
  // Per process: a restarted runner forgets cookies and the web app mints a new ticket.
  const key = randomBytes(32)
  const sign = (scope: string, expires: number) =>
    createHmac('sha256', key).update(`${scope}\n${expires}`).digest('base64url')
  const tabPath = (id: string, host: string, port: number) =>
    `/proxy/${encodeURIComponent(id)}/${encodeURIComponent(host)}/${port}/`

  api.add('POST', '/v1/sandboxes/:id/proxy-tickets', async (ctx) => {
    const id = ctx.params['id'] ?? ''
    const sandbox = registry.getSandbox(id)
    if (!sandbox) throw notFound(id)
    const request = await ctx.body(proxyTicketRequestSchema)
    const lab = registry.lab(sandbox.labSlug)
    if (!lab?.definition.serviceTabs.some((t) => t.host === request.host && t.port === request.port)) {
      throw new HttpError(
        403,
        'not-a-service-tab',
        `${request.host}:${request.port} is not a service tab of lab "${sandbox.labSlug}"`,
      )
    }
    const { ticket, expiresAt } = tickets.mint({
      userId: request.userId,
      sandboxId: id,
      host: request.host,
      mode: 'ro',
      tab: `port-${request.port}`,
    })
    const openPath = `/proxy-open/${encodeURIComponent(id)}/${encodeURIComponent(request.host)}/${request.port}`
    return { status: 201, body: { url: openPath, ticket, expiresAt: expiresAt.toISOString() } }
  })

  open.add('POST', '/proxy-open/:id/:host/:port', async (ctx) => {
    const id = ctx.params['id'] ?? ''
    const host = ctx.params['host'] ?? ''
    const port = Number(ctx.params['port'])
    // Browsers always send Origin on a POST; only the web app's pages carry the web app's origin.
    const origin = ctx.req.headers.origin
    if (!origin || !publicOrigins.includes(origin)) {
      throw new HttpError(
        403,
        'origin-not-allowed',
        'service tabs open only from the lab page; open the tab again there',
      )
    }
    const form = new URLSearchParams(await readSmallBody(ctx.req))
    const grant = tickets.redeem(form.get('ticket') ?? '')
    if (!grant || grant.sandboxId !== id || grant.host !== host || grant.tab !== `port-${port}`) {
      throw new HttpError(
        401,
        'ticket-invalid',
        'this tab link has expired or was already used; open the tab again from the lab page',
      )
    }
    const scope = tabPath(id, host, port)
    const sandbox = registry.getSandbox(id)
    const expires = Math.min(Date.now() + COOKIE_MAX_AGE_MS, sandbox?.expiresAt.getTime() ?? Date.now())
    // Only a relative path below this tab (the lab's `path` for the tab, e.g. "graph").
    const next = form.get('path') ?? ''
    const below = /^[A-Za-z0-9._~!$&'()*+,;=:@%/?-]*$/.test(next) && !next.startsWith('/') ? next : ''
    ctx.res.writeHead(303, {
      location: `${scope}${below}`,
      'set-cookie': `${COOKIE}=${expires}.${sign(scope, expires)}; Path=${scope}; HttpOnly; SameSite=Lax; Max-Age=${Math.max(0, Math.floor((expires - Date.now()) / 1000))}`,
      'cache-control': 'no-store',
    })
    ctx.res.end()
    return undefined
  })

  open.add('GET', '/proxy/:id/:host/:port', async (ctx) => {
    // Without the trailing slash, the UI's relative links would resolve one level too high.
    ctx.res.writeHead(308, {
      location: `${tabPath(ctx.params['id'] ?? '', ctx.params['host'] ?? '', Number(ctx.params['port']))}${new URL(ctx.req.url ?? '/', 'http://x').search}`,
    })
    ctx.res.end()
    return undefined
  })

  const handle = async (
    req: IncomingMessage,
    res: ServerResponse,
    params: Record<string, string>,
    query: URLSearchParams,
  ) => {
    const id = params['id'] ?? ''
    const host = params['host'] ?? ''
    const port = Number(params['port'])
    const scope = tabPath(id, host, port)
    if (!validCookie(req.headers.cookie, scope, sign)) {
      throw new HttpError(401, 'unauthorized', 'no access to this service tab; open it from the lab page')
    }
    const sandbox = registry.getSandbox(id)
    const lab = sandbox && registry.lab(sandbox.labSlug)
    if (!sandbox || !lab) throw notFound(id)
    registry.touch(id)
    const search = query.size > 0 ? `?${query.toString()}` : ''
    await proxyHttp(req, res, {
      sandbox,
      host,
      port,
      path: `/${params['rest'] ?? ''}${search}`,
      serviceTabs: lab.definition.serviceTabs,
      reach: registry.engine.reach,
    })
  }
  for (const method of ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
    open.add(method, '/proxy/:id/:host/:port/*', async (ctx) => {
      await handle(ctx.req, ctx.res, ctx.params, ctx.query)
      return undefined
    })
  }
}

/** A url-encoded form of at most 4 KiB (a ticket and a path). */
async function readSmallBody(req: IncomingMessage): Promise<string> {
  let body = ''
  for await (const chunk of req) {
    body += String(chunk)
    if (body.length > 4096) throw new HttpError(413, 'too-large', 'request body too large')
  }
  return body
}

function validCookie(
  header: string | undefined,
  scope: string,
  sign: (scope: string, expires: number) => string,
): boolean {
  const value = (header ?? '')
    .split(';')
    .map((part) => part.trim())
    .find((part) => part.startsWith(`${COOKIE}=`))
    ?.slice(COOKIE.length + 1)
  const [expiresText, signature] = (value ?? '').split('.')
  const expires = Number(expiresText)
  if (!signature || !Number.isFinite(expires) || expires < Date.now()) return false
  const expected = Buffer.from(sign(scope, expires))
  const presented = Buffer.from(signature)
  return presented.length === expected.length && timingSafeEqual(presented, expected)
}

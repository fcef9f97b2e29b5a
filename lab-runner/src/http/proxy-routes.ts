// Browser access to sandbox web UIs (`serviceTabs`) through the runner's reverse proxy (proxy/).
// The web app mints a single-use proxy ticket over REST; the browser opens
// `/proxy/<sandbox>/<host>/<port>/?ticket=…`, which we trade for a signed cookie scoped to
// that one tab's path (the UI's own assets and XHRs then carry it) and redirect.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { z } from 'zod'
import { proxyHttp } from '../proxy/proxy-http.js'
import type { SandboxRegistry } from '../sandboxes/sandbox-registry.js'
import type { TicketStore } from '../terminal/tickets.js'
import { HttpError } from './http-error.js'
import type { Router } from './router.js'
import { notFound } from './sandbox-routes.js'

const COOKIE = 'academy_proxy'
const COOKIE_MAX_AGE_MS = 4 * 3600_000

const proxyTicketRequestSchema = z.strictObject({
  userId: z.string().min(1).max(200),
  host: z.string().regex(/^[a-z0-9][a-z0-9_.-]*$/),
  port: z.number().int().min(1).max(65535),
})

export function addProxyRoutes(api: Router, open: Router, deps: { registry: SandboxRegistry; tickets: TicketStore }): void {
  const { registry, tickets } = deps
  // Per process: a restarted runner forgets cookies and the web app mints a new ticket.
  const key = randomBytes(32)
  const sign = (scope: string, expires: number) => createHmac('sha256', key).update(`${scope}\n${expires}`).digest('base64url')
  const tabPath = (id: string, host: string, port: number) => `/proxy/${encodeURIComponent(id)}/${encodeURIComponent(host)}/${port}/`

  api.add('POST', '/v1/sandboxes/:id/proxy-tickets', async (ctx) => {
    const id = ctx.params['id'] ?? ''
    const sandbox = registry.getSandbox(id)
    if (!sandbox) throw notFound(id)
    const request = await ctx.body(proxyTicketRequestSchema)
    const lab = registry.lab(sandbox.labSlug)
    if (!lab?.definition.serviceTabs.some((t) => t.host === request.host && t.port === request.port)) {
      throw new HttpError(403, 'not-a-service-tab', `${request.host}:${request.port} is not a service tab of lab "${sandbox.labSlug}"`)
    }
    const { ticket, expiresAt } = tickets.mint({ userId: request.userId, sandboxId: id, host: request.host, mode: 'ro', tab: `port-${request.port}` })
    return { status: 201, body: { url: `${tabPath(id, request.host, request.port)}?ticket=${ticket}`, expiresAt: expiresAt.toISOString() } }
  })

  open.add('GET', '/proxy/:id/:host/:port', async (ctx) => {
    // Without the trailing slash, the UI's relative links would resolve one level too high.
    ctx.res.writeHead(308, { location: `${tabPath(ctx.params['id'] ?? '', ctx.params['host'] ?? '', Number(ctx.params['port']))}${new URL(ctx.req.url ?? '/', 'http://x').search}` })
    ctx.res.end()
    return undefined
  })

  const handle = async (req: IncomingMessage, res: ServerResponse, params: Record<string, string>, query: URLSearchParams) => {
    const id = params['id'] ?? ''
    const host = params['host'] ?? ''
    const port = Number(params['port'])
    const scope = tabPath(id, host, port)
    const ticket = query.get('ticket')
    if (ticket !== null) {
      const grant = tickets.redeem(ticket)
      if (!grant || grant.sandboxId !== id || grant.host !== host || grant.tab !== `port-${port}`) {
        throw new HttpError(401, 'ticket-invalid', 'this link has expired or was already used; open the tab again from the lab page')
      }
      const sandbox = registry.getSandbox(id)
      const expires = Math.min(Date.now() + COOKIE_MAX_AGE_MS, sandbox?.expiresAt.getTime() ?? Date.now())
      query.delete('ticket')
      const rest = query.size > 0 ? `?${query.toString()}` : ''
      res.writeHead(303, {
        location: `${new URL(req.url ?? '/', 'http://x').pathname}${rest}`,
        'set-cookie': `${COOKIE}=${expires}.${sign(scope, expires)}; Path=${scope}; HttpOnly; SameSite=Lax; Max-Age=${Math.max(0, Math.floor((expires - Date.now()) / 1000))}`,
        'cache-control': 'no-store',
      })
      res.end()
      return
    }
    if (!validCookie(req.headers.cookie, scope, sign)) {
      throw new HttpError(401, 'unauthorized', 'no access to this service tab; open it from the lab page')
    }
    const sandbox = registry.getSandbox(id)
    const lab = sandbox && registry.lab(sandbox.labSlug)
    if (!sandbox || !lab) throw notFound(id)
    registry.touch(id)
    const search = query.size > 0 ? `?${query.toString()}` : ''
    await proxyHttp(req, res, { sandbox, host, port, path: `/${params['rest'] ?? ''}${search}`, serviceTabs: lab.definition.serviceTabs })
  }
  for (const method of ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
    open.add(method, '/proxy/:id/:host/:port/*', async (ctx) => {
      await handle(ctx.req, ctx.res, ctx.params, ctx.query)
      return undefined
    })
  }
}

function validCookie(header: string | undefined, scope: string, sign: (scope: string, expires: number) => string): boolean {
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

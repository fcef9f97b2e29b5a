// Reverse proxy from the runner to a web UI inside a sandbox (Prometheus, Alertmanager, …),
// mounted by http/proxy-routes.ts at `/proxy/:sandboxId/:host/:port/*`. Only the host:port pairs a lab lists
// in `serviceTabs` are reachable. The browser's credentials for *our* origin (cookies,
// Authorization) never reach the sandbox, and the sandbox cannot set cookies on our origin:
// Set-Cookie is dropped, and every answer is sandboxed by CSP into an opaque origin, so a
// learner-controlled page cannot write `document.cookie`, read our storage or call our APIs
// with the victim's cookies (cookies are shared across ports, so the runner's origin is not enough).
import http, { type IncomingMessage, type ServerResponse } from 'node:http'
import { reachDirectly, type Reach } from '../engine/upstream'
import { findSandboxHost, type SandboxHostsView } from '../exec/sandbox-host'

export interface ServiceTabRule {
  host: string
  port: number
}

export interface ProxyTarget {
  sandbox: SandboxHostsView
  host: string
  port: number
  /** Path and query to request upstream, starting with "/". */
  path: string
  /** The lab's `serviceTabs`. */
  serviceTabs: ReadonlyArray<ServiceTabRule>
  /** Public prefix the browser sees; default `/proxy/<sandboxId>/<host>/<port>`. */
  prefix?: string
  /** How the runner connects to the service (the engine's); default: straight to its address. */
  reach?: Reach
  /** Upstream must answer (headers) within this; default 15 s. */
  timeoutMs?: number
}

export type ProxyResult =
  | { status: 'proxied'; statusCode: number }
  | { status: 'refused'; code: 'not-a-service-tab' | 'host-unknown' | 'path-invalid'; message: string }
  | { status: 'upstream-error'; code: 'upstream-unreachable' | 'upstream-timeout'; message: string }

// Hop-by-hop headers (RFC 9110 §7.6.1) plus our origin's credentials.
const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]
const REQUEST_DROP = new Set([...HOP_BY_HOP, 'host', 'cookie', 'authorization', 'proxy-authorization'])
// Upstream headers that could loosen or replace our CSP, or set state on our origin.
const RESPONSE_DROP = new Set([
  ...HOP_BY_HOP,
  'set-cookie',
  'set-cookie2',
  'content-security-policy',
  'content-security-policy-report-only',
  'clear-site-data',
  'refresh',
])

/**
 * Scripts and forms keep working inside the tab (Prometheus' UI needs them), but without
 * `allow-same-origin` the page runs in a unique opaque origin: no cookies, no storage, no
 * same-origin requests to the runner or the web app.
 */
export const SERVICE_TAB_CSP = 'sandbox allow-scripts allow-forms allow-popups allow-downloads allow-modals'

export function proxyHttp(
  req: IncomingMessage,
  res: ServerResponse,
  target: ProxyTarget,
): Promise<ProxyResult> {
  const prefix =
    target.prefix ??
    `/proxy/${encodeURIComponent(target.sandbox.id)}/${encodeURIComponent(target.host)}/${target.port}`
  const fail = (
    httpStatus: number,
    result: Exclude<ProxyResult, { status: 'proxied' }>,
  ): Promise<ProxyResult> => {
    if (!res.headersSent) {
      res.writeHead(httpStatus, {
        'content-type': 'application/json',
        'content-security-policy': SERVICE_TAB_CSP,
      })
      res.end(JSON.stringify({ error: { code: result.code, message: result.message } }))
    } else {
      res.destroy()
    }
    return Promise.resolve(result)
  }

  if (!target.serviceTabs.some((tab) => tab.host === target.host && tab.port === target.port)) {
    return fail(403, {
      status: 'refused',
      code: 'not-a-service-tab',
      message: `${target.host}:${target.port} is not one of this lab's service tabs`,
    })
  }
  const upstream = findSandboxHost(target.sandbox, target.host)
  if (upstream === undefined || upstream.ip === '') {
    return fail(404, {
      status: 'refused',
      code: 'host-unknown',
      message: `sandbox ${target.sandbox.id} has no reachable host "${target.host}"`,
    })
  }
  if (
    !target.path.startsWith('/') ||
    target.path.startsWith('//') ||
    /[\u0000-\u0020\u007f]/.test(target.path)
  ) {
    return fail(400, {
      status: 'refused',
      code: 'path-invalid',
      message: 'the proxied path must start with a single "/" and contain no spaces or control characters',
    })
  }

  const headers = requestHeaders(req, `${target.host}:${target.port}`, prefix)
  return new Promise<ProxyResult>((resolve) => {
    const upstreamReq = http.request({
      ...(target.reach ?? reachDirectly)(upstream, target.port),
      method: req.method,
      path: target.path,
      headers,
    })
    upstreamReq.setTimeout(target.timeoutMs ?? 15_000, () => {
      upstreamReq.destroy()
      void fail(504, {
        status: 'upstream-error',
        code: 'upstream-timeout',
        message: `${target.host}:${target.port} did not answer in time`,
      }).then(resolve)
    })
    upstreamReq.on('error', (error) => {
      void fail(502, {
        status: 'upstream-error',
        code: 'upstream-unreachable',
        message: `${target.host}:${target.port} is not answering (${error.message}); is the service running?`,
      }).then(resolve)
    })
    upstreamReq.on('response', (upstreamRes) => {
      upstreamReq.setTimeout(0)
      const statusCode = upstreamRes.statusCode ?? 502
      res.writeHead(statusCode, responseHeaders(upstreamRes, prefix, [upstream.ip, target.host], target.port))
      upstreamRes.pipe(res)
      upstreamRes.on('error', () => res.destroy())
      resolve({ status: 'proxied', statusCode })
    })
    // A browser that goes away mid-response must not leave the upstream request running.
    res.on('close', () => {
      if (!res.writableFinished) upstreamReq.destroy()
    })
    req.pipe(upstreamReq)
  })
}

function requestHeaders(
  req: IncomingMessage,
  upstreamHost: string,
  prefix: string,
): http.OutgoingHttpHeaders {
  const listedInConnection = new Set(
    (req.headers.connection ?? '').split(',').map((name) => name.trim().toLowerCase()),
  )
  const out: http.OutgoingHttpHeaders = {}
  for (const [name, value] of Object.entries(req.headers)) {
    if (
      value === undefined ||
      REQUEST_DROP.has(name) ||
      listedInConnection.has(name) ||
      name.startsWith('x-forwarded-')
    )
      continue
    out[name] = value
  }
  out.host = upstreamHost
  out['x-forwarded-prefix'] = prefix
  return out
}

function responseHeaders(
  upstreamRes: IncomingMessage,
  prefix: string,
  upstreamNames: string[],
  port: number,
): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {}
  for (const [name, value] of Object.entries(upstreamRes.headers)) {
    if (value === undefined || RESPONSE_DROP.has(name)) continue
    out[name] = value
  }
  const location = upstreamRes.headers.location
  if (location !== undefined) out.location = rewriteLocation(location, prefix, upstreamNames, port)
  out['x-content-type-options'] = 'nosniff'
  out['content-security-policy'] = SERVICE_TAB_CSP
  return out
}

/**
 * Keeps redirects inside the proxy: "/graph" and "http://<host or ip>:<port>/graph" become
 * "<prefix>/graph". Relative locations already resolve under the prefix; redirects to other
 * sites are left alone.
 */
export function rewriteLocation(
  location: string,
  prefix: string,
  upstreamNames: ReadonlyArray<string>,
  port: number,
): string {
  if (location.startsWith('/') && !location.startsWith('//')) return `${prefix}${location}`
  let url: URL
  try {
    url = new URL(location)
  } catch {
    return location
  }
  const urlPort = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port)
  if (
    (url.protocol === 'http:' || url.protocol === 'https:') &&
    upstreamNames.includes(url.hostname) &&
    urlPort === port
  ) {
    return `${prefix}${url.pathname}${url.search}${url.hash}`
  }
  return location
}

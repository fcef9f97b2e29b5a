// The web app's HTTP server: Next.js behind a thin Node server of our own, so every request
// carries the client's address as we determined it from the socket (see config/client-address.ts).
// Next.js route handlers never see the socket, and the X-Forwarded-For they see is whatever the
// client sent, so rate limits cannot key on it. It also gives every request its id and logs one
// JSON line per request (decision 027). Started by scripts/start.ts and the systemd unit.
import http from 'node:http'
import path from 'node:path'
import next from 'next'
import {
  CLIENT_ADDRESS_HEADER,
  isTrusted,
  resolveClientAddress,
  trustedProxyList,
} from '../config/client-address'
import { ConfigError, parseEnv, webEnvSchema } from '../config/env'
import { chooseRequestId, log, REQUEST_ID_HEADER, requestContext } from '../server/log/log'

/** Stamps the resolved client address on a request, replacing anything the client sent. */
export function stampClientAddress(trustedProxies: readonly string[]): (req: http.IncomingMessage) => void {
  const trusted = trustedProxyList(trustedProxies)
  return (req) => {
    const address = resolveClientAddress({
      socketAddress: req.socket.remoteAddress,
      forwardedFor: req.headers['x-forwarded-for'],
      trustedProxies: trusted,
    })
    if (address) req.headers[CLIENT_ADDRESS_HEADER] = address
    else delete req.headers[CLIENT_ADDRESS_HEADER]
  }
}

/** Paths too frequent or too dull to log: build assets and the load balancer's health checks. */
const UNLOGGED = /^\/(_next\/(static|image)\/|api\/(ready|health)$|favicon)/

/**
 * Gives the request its id (a trusted proxy's X-Request-Id, else a new one), echoes it on the
 * response, runs `handle` inside the request's log context and logs the request when it ends:
 * method, path (never the query string, which may hold tokens), status, duration, user.
 */
export function traceRequests(
  trustedProxies: readonly string[],
  handle: (req: http.IncomingMessage, res: http.ServerResponse) => unknown,
): (req: http.IncomingMessage, res: http.ServerResponse) => void {
  const trusted = trustedProxyList(trustedProxies)
  return (req, res) => {
    const socket = req.socket.remoteAddress?.replace(/^::ffff:/, '')
    const requestId = chooseRequestId(req.headers[REQUEST_ID_HEADER], !!socket && isTrusted(trusted, socket))
    req.headers[REQUEST_ID_HEADER] = requestId
    res.setHeader(REQUEST_ID_HEADER, requestId)
    const context = { requestId } as { requestId: string; userId?: string }
    const started = performance.now()
    const pathname = (req.url ?? '/').split('?')[0]!
    if (!UNLOGGED.test(pathname)) {
      res.on('close', () =>
        requestContext().run(context, () =>
          log.info('request', {
            method: req.method,
            path: pathname,
            status: res.statusCode,
            durationMs: Math.round(performance.now() - started),
            ...(res.writableFinished ? {} : { aborted: true }),
          }),
        ),
      )
    }
    requestContext().run(context, () => void handle(req, res))
  }
}

async function main() {
  const args = process.argv.slice(2)
  const port = Number(args[args.indexOf('--port') + 1])
  const hostname = args[args.indexOf('--hostname') + 1] ?? '127.0.0.1'
  let env
  try {
    env = parseEnv(webEnvSchema, process.env)
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`${error.message}\nFix these variables and start again.`)
      process.exit(1)
    }
    throw error
  }
  const stamp = stampClientAddress(env.TRUSTED_PROXIES)
  const app = next({ dev: false, dir: path.resolve(import.meta.dirname, '..'), hostname, port })
  const handle = app.getRequestHandler()
  await app.prepare()
  const trace = traceRequests(env.TRUSTED_PROXIES, handle)
  const server = http.createServer((req, res) => {
    stamp(req)
    trace(req, res)
  })
  server.listen(port, hostname, () => console.log(`Web app listening on http://${hostname}:${port}`))
  process.on('SIGTERM', () => {
    server.close(() => process.exit(0))
    // Idle keep-alive connections would hold the close open.
    server.closeIdleConnections()
  })
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error)
    process.exit(1)
  })
}

// The runner's HTTP server: REST under /v1 and /metrics (service token), /healthz, and the
// terminal WebSocket upgrade (tickets; handled by terminal/terminal-server.ts). /metrics names
// labs' activity and the runner's internals, so it is not public: a scraper sends the token,
// or the operator serves it on a separate private listener (`metricsServer`).
import { createServer, type Server, type ServerResponse } from 'node:http'
import type Docker from 'dockerode'
import type { SandboxRegistry, Logger } from '../sandboxes/sandbox-registry'
import type { TerminalLimits } from '../terminal/terminal-protocol'
import { attachTerminalServer, type TerminalServer } from '../terminal/terminal-server'
import { createTicketStore, type TicketStore } from '../terminal/tickets'
import { chooseRequestId, REQUEST_ID_HEADER } from '../../../contracts/request-id'
import { withRequestId, type RecentError } from '../log'
import { addDashboardRoutes } from './dashboard-routes'
import { addProxyRoutes } from './proxy-routes'
import { HttpError, sendError, sendJson } from './http-error'
import { addLabRoutes } from './lab-routes'
import { createRunnerMetrics, type RunnerMetrics } from './metrics'
import { Router } from './router'
import { addPoolRoutes } from './pool-routes'
import { addSandboxRoutes } from './sandbox-routes'
import type { WarmPools } from '../sandboxes/warm-pools'
import { hasServiceToken } from './service-auth'

export interface RunnerServerOptions {
  /** Sandboxes, and through `registry.engine` the engine that runs them. */
  registry: SandboxRegistry
  tickets: TicketStore
  serviceToken: string
  publicOrigins: string[]
  log: Logger
  /** Lab definitions that failed to load (reported by /healthz). */
  labErrors: number
  /** The runner's latest error log lines (GET /v1/status). */
  recentErrors?: () => RecentError[]
  /** The release, reported by GET /v1/status. */
  version?: string
  /** Warm pools (issue 13); without them /v1/pools answers 404. */
  pools?: WarmPools
  /** Overrides for the terminal server (tests shorten the activity throttle). */
  terminalLimits?: Partial<TerminalLimits>
}

export interface RunnerServer {
  server: Server
  metrics: RunnerMetrics
  terminal: TerminalServer
  /** /metrics alone, without a token: not listening until the caller binds it to a private address. */
  metricsServer: Server
  /** Stops accepting, closes sockets and terminals. Sandboxes stay up. */
  close(): Promise<void>
}

const ENGINE_PING_TIMEOUT_MS = 2_000

export function createRunnerServer(options: RunnerServerOptions): RunnerServer {
  const { registry, log } = options
  const { engine } = registry
  let terminal: TerminalServer | undefined
  const metrics = createRunnerMetrics({
    counts: () => registry.counts(),
    terminalSessions: () => terminal?.stats().active ?? 0,
    ...(options.pools ? { pools: () => (options.pools as WarmPools).status() } : {}),
  })

  const api = new Router()
  addSandboxRoutes(api, registry, (id) => terminal?.viewers(id) ?? 0)
  addLabRoutes(api, { engine, registry, tickets: options.tickets, checkSeconds: metrics.checkSeconds })
  addDashboardRoutes(api, { registry })
  if (options.pools) addPoolRoutes(api, options.pools)

  const open = new Router()
  // A separate store: a proxy ticket must never open a terminal.
  addProxyRoutes(api, open, {
    registry,
    tickets: createTicketStore({ ttlMs: 30_000 }),
    publicOrigins: options.publicOrigins,
  })
  open.add('GET', '/healthz', async () => {
    if (!(await enginePing(engine.control))) {
      throw new HttpError(
        503,
        'engine-unavailable',
        'the Docker engine is not reachable; check that dockerd is running and DOCKER_SOCKET points at it',
      )
    }
    return {
      status: 200,
      body: {
        status: 'ok',
        engine: 'reachable',
        adopted: !registry.awaitingEngine(),
        ...registry.counts(),
        labErrors: options.labErrors,
      },
    }
  })
  // For the web app's admin status page: who we are, capacity, engine and recent errors.
  api.add('GET', '/v1/status', async () => ({
    status: 200,
    body: {
      version: options.version ?? 'unknown',
      pid: process.pid,
      uptimeSeconds: Math.round(process.uptime()),
      engine: (await enginePing(engine.control)) ? 'reachable' : 'unreachable',
      capacity: registry.capacity(),
      recentErrors: options.recentErrors?.() ?? [],
    },
  }))
  const serveMetrics = async (res: ServerResponse): Promise<void> => {
    const text = await metrics.registry.metrics()
    res.writeHead(200, { 'content-type': metrics.registry.contentType })
    res.end(text)
  }
  api.add('GET', '/metrics', async (ctx) => {
    await serveMetrics(ctx.res)
    return undefined
  })

  const onUnexpected = (error: unknown) =>
    log.error('request failed', {
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    })

  const server = createServer((req, res) => {
    // The web app's id when it proves itself with the service token; otherwise one of our own.
    const requestId = chooseRequestId(
      req.headers[REQUEST_ID_HEADER],
      hasServiceToken(req, options.serviceToken),
    )
    req.headers[REQUEST_ID_HEADER] = requestId
    res.setHeader(REQUEST_ID_HEADER, requestId)
    void withRequestId(requestId, async () => {
      const pathname = new URL(req.url ?? '/', 'http://runner.invalid').pathname
      if (pathname.startsWith('/v1/') || pathname === '/metrics') {
        if (!hasServiceToken(req, options.serviceToken)) {
          sendError(
            res,
            new HttpError(
              401,
              'unauthorized',
              'missing or wrong service token (Authorization: Bearer $RUNNER_SERVICE_TOKEN)',
            ),
          )
          return
        }
        if (pathname.startsWith('/v1/sandboxes') && registry.awaitingEngine()) {
          // Not "not found": the sandbox may well be alive on an engine the runner cannot read yet.
          sendError(
            res,
            new HttpError(
              503,
              'engine-unavailable',
              'the lab engine is unavailable: the runner has not been able to read the Docker engine yet and keeps retrying',
            ),
          )
          return
        }
        if (await api.handle(req, res, onUnexpected)) return
      } else if (await open.handle(req, res, onUnexpected)) return
      sendJson(res, 404, { error: { code: 'not-found', message: `no route ${req.method} ${pathname}` } })
    })
  })
  // Keep the request log free of tokens: log method, path and status only.
  server.on('request', (req, res) => {
    const started = Date.now()
    res.on('finish', () => {
      const pathname = new URL(req.url ?? '/', 'http://runner.invalid').pathname
      if (pathname !== '/healthz' && pathname !== '/metrics') {
        log.info('request', {
          requestId: req.headers[REQUEST_ID_HEADER],
          method: req.method,
          path: pathname,
          status: res.statusCode,
          ms: Date.now() - started,
        })
      }
    })
  })

  terminal = attachTerminalServer(server, {
    docker: engine.containers,
    tickets: options.tickets,
    getSandbox: (id) => {
      const sandbox = registry.getSandbox(id)
      if (sandbox) registry.touch(id)
      return sandbox
    },
    allowedOrigins: options.publicOrigins,
    // Typing in a terminal is learner activity, like REST calls and service-tab requests.
    onActivity: (id) => registry.touch(id),
    ...(options.terminalLimits ? { limits: options.terminalLimits } : {}),
    log,
  })

  registry.onReady((sandbox, shellHosts) =>
    terminal.prepare(shellHosts.flatMap((host) => sandbox.hosts[host]?.containerId ?? [])),
  )

  const metricsServer = createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://runner.invalid').pathname
    if (req.method === 'GET' && pathname === '/metrics') {
      serveMetrics(res).catch((error: unknown) => {
        onUnexpected(error)
        if (!res.headersSent)
          sendError(res, new HttpError(500, 'internal', 'unexpected runner error; see the runner log'))
      })
    } else
      sendJson(res, 404, { error: { code: 'not-found', message: 'this listener serves GET /metrics only' } })
  })

  const terminalServer = terminal
  return {
    server,
    metrics,
    terminal: terminalServer,
    metricsServer,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      if (metricsServer.listening) metricsServer.close()
      metricsServer.closeAllConnections()
      await terminalServer.close()
      server.closeAllConnections()
      await closed
    },
  }
}

async function enginePing(docker: Docker): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timeout')), ENGINE_PING_TIMEOUT_MS)
    })
    await Promise.race([docker.ping(), timeout])
    return true
  } catch {
    return false
  } finally {
    clearTimeout(timer)
  }
}

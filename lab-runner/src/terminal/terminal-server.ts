// WebSocket terminals: `GET /terminal?ticket=…[&cols=&rows=]` upgrades into a tmux client
// running inside one sandbox container. The upgrade is authenticated (Origin allow-list, then
// the single-use ticket, then the sandbox and host) before any WebSocket exists; refusals are
// plain HTTP responses on the raw socket.
//
// Each tab is a tmux session, so closing the socket only detaches: a reconnect (with a new
// ticket) gets the same shell and screen back, and an instructor can attach read-only.
import { STATUS_CODES, type IncomingMessage, type Server as HttpServer } from 'node:http'
import type { Duplex } from 'node:stream'
import type Docker from 'dockerode'
import type { ContainerAccess } from '../engine/sandbox-engine'
import { WebSocketServer, type RawData, type WebSocket } from 'ws'
import { execCapture } from '../exec/container-exec'
import { findSandboxHost, type SandboxHost, type SandboxHostsView } from '../exec/sandbox-host'
import {
  TERMINAL_LIMITS,
  clampSize,
  clientMessageSchema,
  type ServerMessage,
  type TerminalErrorCode,
  type TerminalLimits,
  type UpgradeRejection,
} from './terminal-protocol'
import { sanitizeTabName, type TicketGrant, type TicketStore } from './tickets'

export interface TerminalLog {
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
}

export interface TerminalServerDeps {
  docker: ContainerAccess
  tickets: Pick<TicketStore, 'redeem'>
  getSandbox: (id: string) => (SandboxHostsView & { expiresAt?: Date }) | undefined
  /** Exact origins (scheme://host[:port]) of the web app pages allowed to open terminals. */
  allowedOrigins: ReadonlyArray<string>
  log: TerminalLog
  /** URL path handled; default `/terminal`. */
  path?: string
  limits?: Partial<TerminalLimits>
  /** Learner input on a read-write terminal (throttled to one call per `activityEveryMs`): keeps the sandbox from going idle. */
  onActivity?: (sandboxId: string) => void
}

export interface TerminalStats {
  /** Open terminal sockets right now (a gauge). */
  active: number
  /** Sockets accepted since start (a counter). */
  opened: number
  /** Upgrades refused since start (a counter). */
  rejected: number
}

export interface TerminalServer {
  stats(): TerminalStats
  /** Read-only (watching) sessions open on one sandbox right now. */
  viewers(sandboxId: string): number
  /**
   * Looks up the shell user of these containers now (a sandbox that just became ready), so a
   * learner's first terminal there does not wait for that extra exec: the lookup is one more
   * round of Docker calls before the shell, and a warm claim is timed in fractions of a second.
   */
  prepare(containerIds: readonly string[]): void
  /** Closes every terminal socket (the tmux shells live on) and stops handling upgrades. */
  close(): Promise<void>
}

const DEFAULT_SIZE = { cols: 80, rows: 24 }
/** The wrapper prints this line (with its PID, which `exec tmux` keeps) before tmux starts. */
const PID_LINE = /^helix-pid:(\d+)\r?$/

export function attachTerminalServer(httpServer: HttpServer, deps: TerminalServerDeps): TerminalServer {
  const limits: TerminalLimits = { ...TERMINAL_LIMITS, ...deps.limits }
  const routePath = deps.path ?? '/terminal'
  const allowedOrigins = new Set(deps.allowedOrigins)
  // ws enforces an absolute ceiling (and closes with 1009 above it); below it we answer
  // oversized pastes with an error message and keep the session.
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: limits.maxInputFrameBytes * 16,
    perMessageDeflate: false,
  })
  const sessions = new Set<TerminalSession>()
  const shellUsers = new Map<string, Promise<string | undefined>>()
  let closed = false
  const stats = { opened: 0, rejected: 0 }

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://runner.invalid')
    if (url.pathname !== routePath) {
      // Another handler (e.g. the proxy) may own this path; answer only if nobody else listens.
      if (httpServer.listenerCount('upgrade') <= 1)
        rejectUpgrade(socket, {
          status: 404,
          code: 'not-found',
          message: `no WebSocket endpoint at ${url.pathname}`,
        })
      return
    }
    socket.on('error', () => socket.destroy())
    const verdict = authorize(req, url)
    if ('status' in verdict) {
      stats.rejected++
      deps.log.warn('terminal upgrade refused', { code: verdict.code, origin: req.headers.origin })
      rejectUpgrade(socket, verdict)
      return
    }
    const size = {
      cols: Number(url.searchParams.get('cols') ?? DEFAULT_SIZE.cols) || DEFAULT_SIZE.cols,
      rows: Number(url.searchParams.get('rows') ?? DEFAULT_SIZE.rows) || DEFAULT_SIZE.rows,
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      stats.opened++
      const session = new TerminalSession(
        ws,
        verdict.grant,
        verdict.host,
        clampSize(size.cols, size.rows, limits),
        {
          docker: deps.docker,
          limits,
          log: deps.log,
          shellUser: () => shellUserOf(verdict.host.containerId),
          onActivity: () => deps.onActivity?.(verdict.grant.sandboxId),
          onClosed: () => sessions.delete(session),
        },
      )
      sessions.add(session)
      session.start()
    })
  }

  const authorize = (
    req: IncomingMessage,
    url: URL,
  ): UpgradeRejection | { grant: TicketGrant; host: SandboxHost } => {
    const origin = req.headers.origin
    if (origin === undefined || !allowedOrigins.has(origin)) {
      return {
        status: 403,
        code: 'origin-not-allowed',
        message: `origin ${origin ?? '(none)'} may not open terminals`,
      }
    }
    const ticket = url.searchParams.get('ticket')
    const grant = ticket === null ? undefined : deps.tickets.redeem(ticket)
    if (grant === undefined) {
      return {
        status: 401,
        code: 'ticket-invalid',
        message: 'the terminal ticket is missing, expired or already used; request a new one',
      }
    }
    // Optional hints from the client must agree with the ticket (catches wiring mistakes early).
    const wantedSandbox = url.searchParams.get('sandbox')
    const wantedHost = url.searchParams.get('host')
    if (
      (wantedSandbox !== null && wantedSandbox !== grant.sandboxId) ||
      (wantedHost !== null && wantedHost !== grant.host)
    ) {
      return {
        status: 403,
        code: 'ticket-mismatch',
        message: 'the ticket was issued for a different sandbox or host',
      }
    }
    const sandbox = deps.getSandbox(grant.sandboxId)
    if (sandbox === undefined) {
      return {
        status: 404,
        code: 'sandbox-not-found',
        message: `sandbox ${grant.sandboxId} does not exist (it may have expired and been removed)`,
      }
    }
    if (sandbox.expiresAt !== undefined && sandbox.expiresAt.getTime() <= Date.now()) {
      return {
        status: 410,
        code: 'sandbox-expired',
        message: `sandbox ${grant.sandboxId} has expired; start the lab again`,
      }
    }
    const host = findSandboxHost(sandbox, grant.host)
    if (host === undefined) {
      return {
        status: 403,
        code: 'host-not-in-sandbox',
        message: `sandbox ${grant.sandboxId} has no host "${grant.host}"`,
      }
    }
    // The tab reaches tmux's argv; tickets from our store are clean already, re-check anyway.
    return { grant: { ...grant, tab: sanitizeTabName(grant.tab) }, host }
  }

  // Shells run as `learner` where the image has that user (lab images do), else as the image's default user.
  const shellUserOf = (containerId: string): Promise<string | undefined> => {
    let known = shellUsers.get(containerId)
    if (known === undefined) {
      known = execCapture({
        docker: deps.docker,
        containerId,
        cmd: ['id', '-u', 'learner'],
        deadlineMs: 10_000,
        onOutput: () => undefined,
      })
        .then((result) => (result.exitCode === 0 ? 'learner' : undefined))
        .catch(() => undefined)
      shellUsers.set(containerId, known)
      if (shellUsers.size > 1000) shellUsers.delete(shellUsers.keys().next().value ?? '')
    }
    return known
  }

  // One timer for all sockets: ping, and drop a peer that did not answer the previous ping.
  const heartbeat = setInterval(() => {
    for (const session of sessions) session.heartbeat()
  }, limits.heartbeatMs)
  heartbeat.unref()

  httpServer.on('upgrade', onUpgrade)

  return {
    stats: () => ({ active: sessions.size, ...stats }),
    prepare: (containerIds) => {
      if (closed) return
      for (const containerId of containerIds) void shellUserOf(containerId)
    },
    viewers: (sandboxId) => {
      let count = 0
      for (const session of sessions) if (session.isViewerOf(sandboxId)) count++
      return count
    },
    async close() {
      closed = true
      clearInterval(heartbeat)
      httpServer.off('upgrade', onUpgrade)
      await Promise.all([...sessions].map((session) => session.close(1001, 'lab-runner shutting down')))
      await new Promise<void>((resolve) => wss.close(() => resolve()))
    },
  }
}

function rejectUpgrade(socket: Duplex, rejection: UpgradeRejection): void {
  const body = JSON.stringify({ error: { code: rejection.code, message: rejection.message } })
  socket.end(
    `HTTP/1.1 ${rejection.status} ${STATUS_CODES[rejection.status] ?? ''}\r\n` +
      'Connection: close\r\nContent-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    () => socket.destroy(),
  )
}

interface SessionContext {
  docker: ContainerAccess
  limits: TerminalLimits
  log: TerminalLog
  shellUser: () => Promise<string | undefined>
  onActivity: () => void
  onClosed: () => void
}

/** One WebSocket bound to one tmux client process inside one container. */
class TerminalSession {
  private exec: Docker.Exec | undefined
  private stream: Duplex | undefined
  private user: string | undefined
  /** PID (inside the container) of our tmux client, used to end it when the socket goes. */
  private clientPid: number | undefined
  private pidLine: Buffer | undefined = Buffer.alloc(0)
  private pendingInput: Buffer[] = []
  private unacked = 0
  private paused = false
  private alive = true
  private closed = false
  private warnedReadOnly = false
  private lastActivityAt = -Infinity

  constructor(
    private readonly ws: WebSocket,
    private readonly grant: TicketGrant,
    private readonly host: SandboxHost,
    private size: { cols: number; rows: number },
    private readonly ctx: SessionContext,
  ) {}

  start(): void {
    this.ws.on('message', (data, isBinary) => this.onMessage(data, isBinary))
    this.ws.on('pong', () => {
      this.alive = true
    })
    this.ws.on('close', () => void this.onSocketClosed())
    this.ws.on('error', () => this.ws.terminate())
    this.openShell().catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error)
      this.ctx.log.warn('terminal exec failed', {
        host: this.grant.host,
        sandboxId: this.grant.sandboxId,
        message,
      })
      this.sendError('exec-failed', `could not open a shell on "${this.grant.host}": ${message}`)
      void this.close(1011, 'exec failed')
    })
  }

  isViewerOf(sandboxId: string): boolean {
    return this.grant.mode === 'ro' && this.grant.sandboxId === sandboxId
  }

  heartbeat(): void {
    if (!this.alive) {
      this.ws.terminate()
      return
    }
    this.alive = false
    try {
      this.ws.ping()
    } catch {
      this.ws.terminate()
    }
  }

  async close(code: number, reason: string): Promise<void> {
    if (this.ws.readyState === this.ws.OPEN) this.ws.close(code, reason)
    await this.onSocketClosed()
  }

  private async openShell(): Promise<void> {
    this.user = await this.ctx.shellUser()
    if (this.closed) return
    const { cols, rows } = this.size
    const container = this.ctx.docker.getContainer(this.host.containerId)
    this.exec = await container.exec({
      Cmd: [
        'sh',
        '-c',
        tmuxScript(this.grant.mode),
        'helix-terminal',
        this.grant.tab,
        String(cols),
        String(rows),
      ],
      User: this.user,
      Env: ['TERM=xterm-256color', 'COLORTERM=truecolor', 'LANG=C.UTF-8'],
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Tty: true,
    })
    const stream = await this.exec.start({ hijack: true, stdin: true, Tty: true })
    if (this.closed) {
      stream.destroy()
      return
    }
    this.stream = stream
    stream.once('close', () => void this.onShellEnded())
    stream.once('error', () => stream.destroy())
    await this.exec.resize({ h: rows, w: cols }).catch(() => undefined)
    // `hello` goes first; output waits in the (not yet flowing) stream until we listen.
    this.send({ type: 'hello', host: this.grant.host, tab: this.grant.tab, mode: this.grant.mode })
    stream.on('data', (chunk: Buffer) => this.onOutput(chunk))
    for (const chunk of this.pendingInput) stream.write(chunk)
    this.pendingInput = []
  }

  private onOutput(chunk: Buffer): void {
    if (this.pidLine !== undefined) {
      // Strip the wrapper's first line; everything after it is terminal output.
      const seen = Buffer.concat([this.pidLine, chunk])
      const newline = seen.indexOf(0x0a)
      if (newline === -1 && seen.length < 64) {
        this.pidLine = seen
        return
      }
      this.pidLine = undefined
      const match = newline === -1 ? null : PID_LINE.exec(seen.subarray(0, newline).toString('latin1'))
      if (match?.[1] !== undefined) {
        this.clientPid = Number(match[1])
        chunk = seen.subarray(newline + 1)
      } else {
        chunk = seen
      }
      if (chunk.length === 0) return
    }
    if (this.ws.readyState !== this.ws.OPEN) return
    this.ws.send(chunk, { binary: true })
    this.unacked += chunk.length
    // Stop reading the exec stream: TCP backpressure reaches the pty and the flooding
    // program blocks, so the next Ctrl-C is not queued behind megabytes of output.
    if (!this.paused && this.unacked >= this.ctx.limits.highWaterBytes) {
      this.paused = true
      this.stream?.pause()
    }
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data)
    if (bytes.length > this.ctx.limits.maxInputFrameBytes) {
      this.sendError(
        'input-too-large',
        `a single message may carry at most ${this.ctx.limits.maxInputFrameBytes} bytes; this one had ${bytes.length} (paste in smaller parts)`,
      )
      return
    }
    if (isBinary) {
      if (this.grant.mode !== 'rw') {
        // Input of read-only viewers is dropped here, whatever tmux would do with it.
        if (!this.warnedReadOnly)
          this.sendError('read-only', 'this terminal is read-only; your keystrokes are not sent')
        this.warnedReadOnly = true
        return
      }
      const now = performance.now()
      if (now - this.lastActivityAt >= this.ctx.limits.activityEveryMs) {
        this.lastActivityAt = now
        this.ctx.onActivity()
      }
      if (this.stream === undefined) {
        if (this.pendingInput.length < 64) this.pendingInput.push(bytes)
      } else {
        this.stream.write(bytes)
      }
      return
    }
    let parsed
    try {
      parsed = clientMessageSchema.safeParse(JSON.parse(bytes.toString('utf8')))
    } catch {
      parsed = undefined
    }
    if (parsed === undefined || !parsed.success) {
      this.sendError(
        'bad-message',
        'text frames must be JSON control messages: {"type":"resize"|"ack"|"ping", …}',
      )
      return
    }
    const message = parsed.data
    switch (message.type) {
      case 'resize': {
        this.size = clampSize(message.cols, message.rows, this.ctx.limits)
        this.exec?.resize({ h: this.size.rows, w: this.size.cols }).catch(() => undefined)
        return
      }
      case 'ack': {
        this.unacked = Math.max(0, this.unacked - message.bytes)
        if (this.paused && this.unacked <= this.ctx.limits.lowWaterBytes) {
          this.paused = false
          this.stream?.resume()
        }
        return
      }
      case 'ping':
        this.send({ type: 'pong' })
        return
    }
  }

  private async onShellEnded(): Promise<void> {
    if (this.closed) return
    const code = await this.exec
      ?.inspect()
      .then((info) => info.ExitCode)
      .catch(() => null)
    this.send({ type: 'exit', code: code ?? null })
    await this.close(1000, 'shell exited')
  }

  private async onSocketClosed(): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.ctx.onClosed()
    const stream = this.stream
    this.stream = undefined
    // Docker keeps an exec'd process alive when its connection drops, so end our tmux
    // client ourselves (SIGHUP = detach). The tmux server and the shell live on.
    if (this.clientPid !== undefined) {
      await execCapture({
        docker: this.ctx.docker,
        containerId: this.host.containerId,
        cmd: ['kill', '-HUP', String(this.clientPid)],
        user: this.user,
        deadlineMs: 5_000,
        onOutput: () => undefined,
      }).catch(() => undefined)
    }
    stream?.destroy()
  }

  private send(message: ServerMessage): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(JSON.stringify(message))
  }

  private sendError(code: TerminalErrorCode, message: string): void {
    this.send({ type: 'error', code, message })
  }
}

/**
 * Shell wrapper run by `docker exec`: prints its PID (which `exec` hands to tmux), starts in
 * $HOME, then becomes the tmux client. Arguments: $1 tab, $2 cols, $3 rows.
 * Read-only viewers attach with `-r` (tmux ignores their keys) and `ignore-size`, so a small
 * viewer window never shrinks the learner's screen; the session is created if it does not exist yet.
 */
function tmuxScript(mode: 'rw' | 'ro'): string {
  const prelude = 'printf "helix-pid:%s\\n" "$$"; cd "$HOME" 2>/dev/null || cd /; '
  if (mode === 'rw') return `${prelude}exec tmux -u new-session -A -s "$1" -x "$2" -y "$3"`
  return (
    `${prelude}tmux has-session -t "=$1" 2>/dev/null || tmux new-session -d -s "$1" -x "$2" -y "$3"; ` +
    'exec tmux -u attach-session -r -f ignore-size -t "=$1"'
  )
}

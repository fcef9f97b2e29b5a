// Test-only WebSocket terminal client that behaves like the browser's: it keeps output,
// and acks what it has "written to the terminal" every 64 KiB (unless told not to).
import WebSocket from 'ws'
import type { ServerMessage } from '../terminal-protocol'

export const TEST_ORIGIN = 'http://localhost:3000'

export interface TerminalClient {
  ws: WebSocket
  messages: ServerMessage[]
  /** Total output bytes received. */
  received(): number
  /** The last ~256 KiB of output as text. */
  text(): string
  /** Output text received after `received()` was `mark` (within the last ~256 KiB). */
  textSince(mark: number): string
  /** Time (performance.now()) of the last output frame. */
  lastOutputAt(): number
  type(input: string | Buffer): void
  control(message: unknown): void
  ack(bytes: number): void
  waitForText(pattern: string | RegExp, timeoutMs?: number): Promise<void>
  waitForMessage(type: ServerMessage['type'], timeoutMs?: number): Promise<ServerMessage>
  waitForClose(timeoutMs?: number): Promise<number>
  close(): Promise<void>
}

export type ConnectResult = { ok: true; client: TerminalClient } | { ok: false; status: number; body: string }

export function connectTerminal(
  baseUrl: string,
  query: Record<string, string>,
  options: { origin?: string; autoAck?: boolean; path?: string } = {},
): Promise<ConnectResult> {
  const url = `${baseUrl.replace(/^http/, 'ws')}${options.path ?? '/terminal'}?${new URLSearchParams(query).toString()}`
  const ws = new WebSocket(url, { origin: options.origin ?? TEST_ORIGIN, perMessageDeflate: false })
  const autoAck = options.autoAck ?? true
  const messages: ServerMessage[] = []
  let tail = ''
  let total = 0
  let unackedLocal = 0
  let lastAt = 0
  const waiters = new Set<() => void>()
  const notify = () => {
    for (const waiter of waiters) waiter()
  }
  ws.on('message', (data, isBinary) => {
    const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)
    if (isBinary) {
      total += bytes.length
      lastAt = performance.now()
      tail = (tail + bytes.toString('utf8')).slice(-256 * 1024)
      unackedLocal += bytes.length
      if (autoAck && unackedLocal >= 64 * 1024) {
        ws.send(JSON.stringify({ type: 'ack', bytes: unackedLocal }))
        unackedLocal = 0
      }
    } else {
      messages.push(JSON.parse(bytes.toString('utf8')) as ServerMessage)
    }
    notify()
  })
  const closed = new Promise<number>((resolve) =>
    ws.on('close', (code) => {
      notify()
      resolve(code)
    }),
  )
  const waitUntil = (test: () => boolean, what: string, timeoutMs: number) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (test()) {
          waiters.delete(check)
          clearTimeout(timer)
          resolve()
        }
      }
      const timer = setTimeout(() => {
        waiters.delete(check)
        reject(
          new Error(
            `timed out after ${timeoutMs} ms waiting for ${what}; last output: ${JSON.stringify(tail.slice(-400))}`,
          ),
        )
      }, timeoutMs)
      waiters.add(check)
      check()
    })

  const client: TerminalClient = {
    ws,
    messages,
    received: () => total,
    text: () => tail,
    textSince: (mark) => {
      // Output here is ASCII-only in the tests that use this, so bytes and characters agree.
      const fresh = total - mark
      return fresh <= 0 ? '' : tail.slice(-fresh)
    },
    lastOutputAt: () => lastAt,
    type: (input) =>
      ws.send(typeof input === 'string' ? Buffer.from(input, 'utf8') : input, { binary: true }),
    control: (message) => ws.send(JSON.stringify(message)),
    ack: (bytes) => ws.send(JSON.stringify({ type: 'ack', bytes })),
    waitForText: (pattern, timeoutMs = 10_000) =>
      waitUntil(
        () => (typeof pattern === 'string' ? tail.includes(pattern) : pattern.test(tail)),
        `output ${String(pattern)}`,
        timeoutMs,
      ),
    waitForMessage: async (type, timeoutMs = 10_000) => {
      await waitUntil(() => messages.some((m) => m.type === type), `a "${type}" message`, timeoutMs)
      const found = messages.find((m) => m.type === type)
      if (found === undefined) throw new Error(`no ${type} message`)
      return found
    },
    waitForClose: async (timeoutMs = 10_000) => {
      await waitUntil(() => ws.readyState === ws.CLOSED, 'the socket to close', timeoutMs)
      return closed
    },
    close: async () => {
      if (ws.readyState === ws.CLOSED) return
      ws.close()
      // A peer that never answers the close handshake is cut off after a second.
      const timer = setTimeout(() => ws.terminate(), 1_000)
      await closed
      clearTimeout(timer)
    },
  }
  return new Promise((resolve) => {
    ws.once('open', () => resolve({ ok: true, client }))
    ws.once('unexpected-response', (_req, res) => {
      let body = ''
      res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')))
      res.on('end', () => resolve({ ok: false, status: res.statusCode ?? 0, body }))
    })
    ws.once('error', (error) => resolve({ ok: false, status: 0, body: error.message }))
  })
}

export function expectConnected(result: ConnectResult): TerminalClient {
  if (!result.ok) throw new Error(`terminal connection refused: ${result.status} ${result.body}`)
  return result.client
}

'use client'
// One shell in the learner's sandbox: xterm.js speaking the runner's terminal protocol
// (lab-runner/src/terminal/PROTOCOL.md). Binary frames carry terminal bytes both ways, text
// frames carry JSON control (resize, ack, ping). Every (re)connect uses a fresh single-use
// ticket from the web app; after a dropped socket it reconnects with back-off and tmux
// restores the screen.
import { FitAddon } from '@xterm/addon-fit'
import { Terminal } from '@xterm/xterm'
import '@xterm/xterm/css/xterm.css'
import { useEffect, useRef, useState } from 'react'
import { registerTerminalSink } from '@/app/_lib/terminal-bridge'
import { jsonApi, LabApiError } from './lab-api'
import styles from './lab.module.css'

type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'exited' | 'stopped'

const ACK_EVERY_BYTES = 64 * 1024
const MAX_FRAME_BYTES = 60 * 1024
const PING_EVERY_MS = 25_000
const BACKOFF_MS = [500, 1000, 2000, 4000, 8000, 15000]

const LABEL: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  exited: 'Shell exited',
  stopped: 'Disconnected',
}

export interface LabTerminalProps {
  labSlug: string
  host: string
  /** Visible tab: fit to the container and receive "Run in lab terminal" commands. */
  active: boolean
  /**
   * Route that answers POST `{ host }` with `{ url }` (a fresh ticket). Defaults to the
   * learner's own `/api/labs/<slug>/terminal-ticket`; instructors watching pass theirs.
   */
  ticketUrl?: string
  /** Watching only: keystrokes are not sent (the runner drops them anyway for 'ro' tickets). */
  readOnly?: boolean
}

export default function LabTerminal({
  labSlug,
  host,
  active,
  ticketUrl,
  readOnly: watchOnly = false,
}: LabTerminalProps) {
  const containerRef = useRef<HTMLDivElement>(null)
  const api = useRef<{ fit: () => void; send: (text: string) => void; reconnect: () => void } | null>(null)
  const [state, setState] = useState<ConnectionState>('connecting')
  const [readOnly, setReadOnly] = useState(false)
  const [problem, setProblem] = useState<string | null>(null)

  useEffect(() => {
    const container = containerRef.current
    if (!container) return
    const term = new Terminal({
      cursorBlink: !watchOnly,
      disableStdin: watchOnly,
      fontFamily: getComputedStyle(document.documentElement).getPropertyValue('--mono') || 'monospace',
      fontSize: 14,
      scrollback: 5000,
      theme: { background: '#0d1117', foreground: '#e6ebf2', cursor: '#7aa2ff' },
    })
    const fit = new FitAddon()
    term.loadAddon(fit)
    term.open(container)
    const safeFit = () => {
      // A hidden tab has no size; fitting it would shrink the shell to nothing.
      if (container.offsetWidth > 0 && container.offsetHeight > 0) fit.fit()
    }
    safeFit()

    const encoder = new TextEncoder()
    let ws: WebSocket | null = null
    let disposed = false
    let attempt = 0
    let retryTimer: ReturnType<typeof setTimeout> | undefined
    let unacked = 0
    let exited = false

    const sendControl = (message: object) => {
      if (ws?.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message))
    }
    const sendBytes = (bytes: Uint8Array) => {
      if (ws?.readyState !== WebSocket.OPEN) return
      for (let i = 0; i < bytes.length; i += MAX_FRAME_BYTES) ws.send(bytes.subarray(i, i + MAX_FRAME_BYTES))
    }

    const scheduleReconnect = () => {
      if (disposed) return
      const delay = BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)] ?? 15000
      attempt += 1
      setState('reconnecting')
      retryTimer = setTimeout(() => void connect(), delay)
    }

    const connect = async () => {
      if (disposed) return
      exited = false
      let url: string
      try {
        const from = ticketUrl ?? `/api/labs/${encodeURIComponent(labSlug)}/terminal-ticket`
        url = (await jsonApi<{ url: string }>(from, { body: { host }, retry: true })).url
      } catch (error) {
        if (disposed) return
        // 409: the lab is not running any more (ended or expired) — the page says so.
        if (
          error instanceof LabApiError &&
          (error.status === 409 || error.status === 403 || error.status === 401)
        ) {
          setProblem(error.message)
          setState('stopped')
          return
        }
        setProblem(error instanceof Error ? error.message : String(error))
        scheduleReconnect()
        return
      }
      if (disposed) return
      const socket = new WebSocket(`${url}&cols=${term.cols}&rows=${term.rows}`)
      socket.binaryType = 'arraybuffer'
      ws = socket
      unacked = 0
      socket.onmessage = (event: MessageEvent<ArrayBuffer | string>) => {
        if (typeof event.data === 'string') {
          let message: { type?: string; code?: unknown; mode?: string; message?: string }
          try {
            message = JSON.parse(event.data) as typeof message
          } catch {
            return
          }
          if (message.type === 'hello') {
            attempt = 0
            setProblem(null)
            setReadOnly(message.mode === 'ro')
            setState('connected')
            sendControl({ type: 'resize', cols: term.cols, rows: term.rows })
          } else if (message.type === 'exit') {
            exited = true
            setState('exited')
          } else if (message.type === 'error' && message.code === 'read-only') {
            setReadOnly(true)
          } else if (message.type === 'error' && typeof message.message === 'string') {
            setProblem(message.message)
          }
          return
        }
        const bytes = new Uint8Array(event.data)
        term.write(bytes, () => {
          unacked += bytes.length
          if (unacked >= ACK_EVERY_BYTES) {
            sendControl({ type: 'ack', bytes: unacked })
            unacked = 0
          }
        })
      }
      socket.onclose = () => {
        if (ws !== socket || disposed) return
        ws = null
        if (exited) return
        // Browsers hide why an upgrade failed: ask for a new ticket and try again.
        scheduleReconnect()
      }
    }

    term.onData((data) => sendBytes(encoder.encode(data)))
    term.onBinary((data) => sendBytes(Uint8Array.from(data, (c) => c.charCodeAt(0) & 0xff)))
    term.onResize(({ cols, rows }) => sendControl({ type: 'resize', cols, rows }))
    const pingTimer = setInterval(() => sendControl({ type: 'ping' }), PING_EVERY_MS)
    const observer = new ResizeObserver(() => safeFit())
    observer.observe(container)

    api.current = {
      fit: safeFit,
      send: (text) => {
        sendBytes(encoder.encode(text))
        term.focus()
      },
      reconnect: () => {
        clearTimeout(retryTimer)
        ws?.close()
        ws = null
        attempt = 0
        setState('connecting')
        void connect()
      },
    }
    void connect()

    return () => {
      disposed = true
      clearTimeout(retryTimer)
      clearInterval(pingTimer)
      observer.disconnect()
      ws?.close()
      term.dispose()
      api.current = null
    }
  }, [labSlug, host, ticketUrl, watchOnly])

  useEffect(() => {
    if (!active) return
    api.current?.fit()
    if (watchOnly) return
    // Commands from the instructions go to the visible shell; a trailing Enter runs them.
    return registerTerminalSink((command) =>
      api.current?.send(`${command.replace(/\n+$/, '').replace(/\n/g, '\r')}\r`),
    )
  }, [active, watchOnly])

  return (
    <div className={styles.terminalWrap}>
      <div className={styles.terminalBar}>
        <span className={styles.connection} data-state={state} role="status" aria-live="polite">
          <span className={styles.dot} aria-hidden="true" /> {host}: {LABEL[state]}
        </span>
        {readOnly && <span className="pill">read-only</span>}
        {problem && state !== 'connected' && <span className={styles.terminalProblem}>{problem}</span>}
        {(state === 'exited' || state === 'stopped') && (
          <button type="button" className="button small" onClick={() => api.current?.reconnect()}>
            Reconnect
          </button>
        )}
      </div>
      <div
        ref={containerRef}
        className={styles.terminal}
        data-testid={`terminal-${host}`}
        aria-label={`Terminal on ${host}`}
      />
    </div>
  )
}

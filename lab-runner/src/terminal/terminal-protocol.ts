// The terminal wire protocol (browser ↔ lab-runner). Binary frames carry raw terminal bytes
// both ways and are never decoded here (xterm.js decodes UTF-8 split across frames). Text
// frames carry the JSON control messages below.
import { z } from 'zod'
import type { TerminalMode } from './tickets'

export const TERMINAL_LIMITS = {
  minCols: 10,
  maxCols: 500,
  minRows: 2,
  maxRows: 200,
  /** Largest single inbound frame (a paste) we forward; larger ones get an error message. */
  maxInputFrameBytes: 64 * 1024,
  /** Output stops being read from the shell when this much is un-acked by the client… */
  highWaterBytes: 256 * 1024,
  /** …and resumes once the client has caught up to below this. */
  lowWaterBytes: 64 * 1024,
  heartbeatMs: 20_000,
  /** Typing counts as sandbox activity at most this often per session (keystrokes cost nothing). */
  activityEveryMs: 20_000,
} as const

export type TerminalLimits = { -readonly [K in keyof typeof TERMINAL_LIMITS]: number }

export const clientMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('resize'), cols: z.number().finite(), rows: z.number().finite() }),
  /** The client has written `bytes` more output bytes to its terminal. */
  z.object({ type: z.literal('ack'), bytes: z.number().int().nonnegative() }),
  z.object({ type: z.literal('ping') }),
])
export type ClientMessage = z.infer<typeof clientMessageSchema>

export type TerminalErrorCode =
  'bad-message' | 'input-too-large' | 'read-only' | 'exec-failed' | 'shell-unavailable'

export type ServerMessage =
  | { type: 'hello'; host: string; tab: string; mode: TerminalMode }
  | { type: 'exit'; code: number | null }
  | { type: 'error'; code: TerminalErrorCode; message: string }
  | { type: 'pong' }

/** Errors before the upgrade go out as plain HTTP responses with this JSON body. */
export type UpgradeRejection = {
  status: 401 | 403 | 404 | 410
  code:
    | 'origin-not-allowed'
    | 'ticket-invalid'
    | 'ticket-mismatch'
    | 'sandbox-not-found'
    | 'sandbox-expired'
    | 'host-not-in-sandbox'
    | 'not-found'
  message: string
}

export function clampSize(
  cols: number,
  rows: number,
  limits: TerminalLimits = TERMINAL_LIMITS,
): { cols: number; rows: number } {
  const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, Math.round(value)))
  return {
    cols: clamp(cols, limits.minCols, limits.maxCols),
    rows: clamp(rows, limits.minRows, limits.maxRows),
  }
}

// Service-token check for the web app → runner REST calls.
import { createHash, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

/** Constant-time: both sides are hashed first, so neither length nor content leaks through timing. */
export function hasServiceToken(req: IncomingMessage, expected: string): boolean {
  const header = req.headers.authorization ?? ''
  const presented = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : ''
  const digest = (value: string) => createHash('sha256').update(value).digest()
  return timingSafeEqual(digest(presented), digest(expected)) && presented.length > 0
}

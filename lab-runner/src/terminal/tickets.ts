// Short-lived, single-use terminal tickets. The web app asks the runner (over REST, with the
// service token) to mint one for one user, one sandbox, one host, one mode; the browser then
// presents it once on the WebSocket upgrade. The grant is fixed at mint time: there is no
// operation that changes a ticket's mode, so a read-only viewer cannot become a typist.
import { randomBytes } from 'node:crypto'

export type TerminalMode = 'rw' | 'ro'

export interface TicketGrant {
  userId: string
  sandboxId: string
  host: string
  mode: TerminalMode
  /** tmux session name, already sanitized (`[a-z0-9-]{1,32}`). */
  tab: string
}

export interface MintRequest {
  userId: string
  sandboxId: string
  host: string
  mode: TerminalMode
  tab?: string
}

export interface TicketStore {
  mint(request: MintRequest): { ticket: string; expiresAt: Date }
  /** Returns the grant once; the ticket is gone afterwards (and after it expires). */
  redeem(ticket: string): TicketGrant | undefined
  /** Live (unexpired, unredeemed) tickets, for metrics. */
  size(): number
}

export const DEFAULT_TAB = 'main'
const TAB_PATTERN = /^[a-z0-9-]{1,32}$/

/**
 * Turns any requested tab name into a safe tmux session name: lowercase, `[a-z0-9-]`, 1–32
 * characters. tmux treats `:` and `.` in targets specially, and the name ends up in argv.
 */
export function sanitizeTabName(tab: string | undefined): string {
  if (tab === undefined) return DEFAULT_TAB
  const cleaned = tab
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 32)
  return TAB_PATTERN.test(cleaned) ? cleaned : DEFAULT_TAB
}

export function createTicketStore(options: { ttlMs?: number; now?: () => number } = {}): TicketStore {
  const ttlMs = options.ttlMs ?? 30_000
  const now = options.now ?? Date.now
  const tickets = new Map<string, { grant: TicketGrant; expiresAtMs: number }>()

  const sweep = () => {
    const t = now()
    for (const [ticket, entry] of tickets) if (entry.expiresAtMs <= t) tickets.delete(ticket)
  }

  return {
    mint(request) {
      sweep()
      // 256 bits from the CSPRNG: unguessable, and URL-safe as a query parameter.
      const ticket = randomBytes(32).toString('base64url')
      const expiresAtMs = now() + ttlMs
      const grant: TicketGrant = {
        userId: request.userId,
        sandboxId: request.sandboxId,
        host: request.host,
        mode: request.mode === 'rw' ? 'rw' : 'ro',
        tab: sanitizeTabName(request.tab),
      }
      tickets.set(ticket, { grant: Object.freeze(grant), expiresAtMs })
      return { ticket, expiresAt: new Date(expiresAtMs) }
    },
    redeem(ticket) {
      const entry = tickets.get(ticket)
      if (entry === undefined) return undefined
      tickets.delete(ticket)
      return entry.expiresAtMs > now() ? entry.grant : undefined
    },
    size() {
      sweep()
      return tickets.size
    },
  }
}

import 'server-only'
// A single-use, 30-second ticket for the learner's own sandbox, one shell host, one mode.
// The browser trades it for a terminal WebSocket at the runner.
import { AppError } from '@/server/errors'
import { requireActiveSession, requireLab } from './lab-session'
import { runner, runnerPublicUrls } from './runner'
import { runnerFailure } from './runner-failure'

export interface TerminalTicket {
  /** `ws(s)://runner/terminal?ticket=…`; the client adds `cols` and `rows`. */
  url: string
  host: string
  mode: 'rw' | 'ro'
  expiresAt: string
}

const TAB = /^[a-z0-9-]{1,32}$/

export async function mintTerminalTicket(options: {
  user: { id: string }
  labSlug: string
  host: string
  mode: 'rw' | 'ro'
  tab?: string
}): Promise<TerminalTicket> {
  const { user, labSlug, host, mode } = options
  const lab = await requireLab(labSlug)
  if (!lab.shellHosts.includes(host)) {
    throw new AppError(
      'forbidden',
      `"${host}" has no terminal in this lab (shell hosts: ${lab.shellHosts.join(', ')}).`,
    )
  }
  if (options.tab !== undefined && !TAB.test(options.tab)) {
    throw new AppError('invalid', 'A terminal tab name is 1–32 lowercase letters, digits or "-".')
  }
  // Only the learner's own session: there is no way to name someone else's sandbox here.
  const session = await requireActiveSession(user.id, labSlug)
  const minted = await runner().mintTicket(session.sandboxId, {
    userId: user.id,
    host,
    mode,
    ...(options.tab ? { tab: options.tab } : {}),
  })
  if (!minted.ok) throw await runnerFailure(minted, session.id)
  const url = `${runnerPublicUrls().ws}/terminal?${new URLSearchParams({ ticket: minted.value.ticket }).toString()}`
  return { url, host, mode, expiresAt: minted.value.expiresAt }
}

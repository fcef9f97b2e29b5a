import 'server-only'
// Extend, reset and end the learner's sandbox. Step results are never touched: a reset or a
// new sandbox keeps every passed step.
import { db } from '@/server/db'
import { AppError } from '@/server/errors'
import { requireActiveSession, requireLab } from './lab-session'
import { runner, serviceTabOrigin } from './runner'
import { runnerFailure } from './runner-failure'

interface LabAction {
  user: { id: string }
  labSlug: string
}

export async function extendLab({
  user,
  labSlug,
}: LabAction): Promise<{ expiresAt: string; extensionsLeft: number }> {
  await requireLab(labSlug)
  const session = await requireActiveSession(user.id, labSlug)
  const result = await runner().extendSandbox(session.sandboxId)
  if (!result.ok) throw await runnerFailure(result, session.id)
  await db().labSession.update({
    where: { id: session.id },
    data: { expiresAt: new Date(result.value.expiresAt) },
    select: { id: true },
  })
  return { expiresAt: result.value.expiresAt, extensionsLeft: result.value.extensionsLeft }
}

/** The learner answered the idle warning: the sandbox stays, its idle clock starts again. */
export async function keepLab({
  user,
  labSlug,
}: LabAction): Promise<{ idleSecondsLeft: number; labSecondsLeft: number }> {
  await requireLab(labSlug)
  const session = await requireActiveSession(user.id, labSlug)
  const result = await runner().keepSandbox(session.sandboxId)
  if (!result.ok) throw await runnerFailure(result, session.id)
  return { idleSecondsLeft: result.value.idleSecondsLeft, labSecondsLeft: result.value.labSecondsLeft }
}

export async function resetLab({ user, labSlug }: LabAction): Promise<void> {
  await requireLab(labSlug)
  const session = await requireActiveSession(user.id, labSlug)
  const result = await runner().resetSandbox(session.sandboxId)
  if (!result.ok) throw await runnerFailure(result, session.id)
  await db().labSession.update({
    where: { id: session.id },
    data: { status: 'provisioning' },
    select: { id: true },
  })
}

export async function endLab({ user, labSlug }: LabAction): Promise<void> {
  await requireLab(labSlug)
  const session = await requireActiveSession(user.id, labSlug)
  const result = await runner().deleteSandbox(session.sandboxId)
  // Already gone is as good as ended.
  if (!result.ok && result.code !== 'not-found') throw await runnerFailure(result, session.id)
  await db().labSession.update({
    where: { id: session.id },
    data: { status: 'ended', endedAt: new Date() },
    select: { id: true },
  })
}

/**
 * A single-use ticket to a sandbox web UI (a `serviceTabs` entry), through the runner's proxy.
 * The lab page POSTs it to `action` (the runner accepts it only from the web app's origin), so
 * it is never a link that could be forwarded to someone else.
 */
export async function openServiceTab({
  user,
  labSlug,
  host,
  port,
}: LabAction & { host: string; port: number }): Promise<{ action: string; ticket: string; path: string }> {
  const lab = await requireLab(labSlug)
  const tab = lab.serviceTabs.find((t) => t.host === host && t.port === port)
  if (!tab) {
    throw new AppError('forbidden', `${host}:${port} is not a service tab of this lab.`)
  }
  const session = await requireActiveSession(user.id, labSlug)
  const minted = await runner().mintProxyTicket(session.sandboxId, { userId: user.id, host, port })
  if (!minted.ok) throw await runnerFailure(minted, session.id)
  // The runner sends the browser on to this path below the tab.
  return {
    action: `${serviceTabOrigin(session.sandboxId)}${minted.value.url}`,
    ticket: minted.value.ticket,
    path: tab.path.replace(/^\//, ''),
  }
}

import 'server-only'
// Fair use of the sandbox pool: who may start a lab at all (LAB_ACCESS) and how many sandboxes
// one account may keep alive at once (LIVE_LABS_PER_USER). Checked by the web app before it asks
// the runner, so a refused learner never takes a slot. See docs/decisions/015-capacity-fairness.md.
import { webConfig } from '@/server/config'
import { db } from '@/server/db'
import { AppError } from '@/server/errors'
import type { Role } from '@/server/session/current-user'
import { LIVE_STATUSES, markSessionExpired } from './lab-session'
import { getLab } from './list-labs'
import { runner } from './runner'

/** Refuses a learner outside every active cohort when labs are open to cohort members only. */
export async function assertMayUseLabs(user: { id: string; role: Role }): Promise<void> {
  if (webConfig().LAB_ACCESS !== 'cohort-members' || user.role !== 'learner') return
  const membership = await db().cohortMember.findFirst({
    where: { userId: user.id, removedAt: null, cohort: { archivedAt: null } },
    select: { cohortId: true },
  })
  if (!membership) {
    throw new AppError(
      'forbidden',
      'Labs on this site are open to cohort members only. Ask your instructor for an invite link, join the cohort, then start the lab again.',
    )
  }
}

/**
 * Refuses a start when the learner already has LIVE_LABS_PER_USER sandboxes of other labs.
 * The database may still call a sandbox live that the runner has since reaped, so each one is
 * confirmed with the runner (and closed when it is gone) before it counts.
 */
export async function assertWithinLiveLabLimit(user: { id: string }, labSlug: string): Promise<void> {
  const limit = webConfig().LIVE_LABS_PER_USER
  const others = await db().labSession.findMany({
    where: {
      userId: user.id,
      labSlug: { not: labSlug },
      status: { in: LIVE_STATUSES },
      sandboxId: { not: null },
    },
    orderBy: { startedAt: 'asc' },
    select: { id: true, labSlug: true, sandboxId: true },
  })
  if (others.length < limit) return
  const live: string[] = []
  for (const session of others) {
    const found = await runner().getSandbox(session.sandboxId!)
    if (found.ok) live.push(session.labSlug)
    else if (found.code === 'not-found') await markSessionExpired(session.id)
    // Any other answer (runner unreachable): count it, rather than let a learner past the limit.
    else live.push(session.labSlug)
  }
  if (live.length < limit) return
  const titles = await Promise.all(
    live.map(async (slug) => `"${(await getLab(slug))?.title ?? slug}" (/labs/${slug})`),
  )
  const running = titles.length === 1 ? `the lab ${titles[0]} is` : `these labs are: ${titles.join(', ')} are`
  throw new AppError(
    'conflict',
    `You can run ${limit === 1 ? 'one lab' : `${limit} labs`} at a time, and ${running} still running. ` +
      'Open it and press End (your passed steps are kept), then start this lab.',
  )
}

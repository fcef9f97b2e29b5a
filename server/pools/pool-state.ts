import 'server-only'
// The warm-pool state the runner should hold, computed from the database alone (admin pool
// sizes and the scheduled lab sessions in their window), so every web instance computes the
// same state and pushing it twice is harmless. The clock is a parameter: tests pass a fake one.
import type { ConfigurePoolsRequest, PoolSession, PoolsStatus } from '@/contracts/runner-api'
import { db } from '@/server/db'
import type { RunnerClient, RunnerResult } from '@/server/labs/runner-client'

/** A session's pool starts warming this long before the session starts. */
export const WARM_LEAD_MS = 10 * 60_000

/** Sessions to warm at `now`: not cancelled, from ten minutes before their start to their end. */
export async function sessionsToWarm(now: Date): Promise<PoolSession[]> {
  const rows = await db().scheduledLabSession.findMany({
    where: {
      cancelledAt: null,
      startsAt: { lte: new Date(now.getTime() + WARM_LEAD_MS) },
      endsAt: { gt: now },
      cohort: { archivedAt: null },
    },
    orderBy: { startsAt: 'asc' },
    select: { id: true, labSlug: true, seats: true },
  })
  return rows
}

export async function desiredPoolState(now: Date): Promise<Required<ConfigurePoolsRequest>> {
  const settings = await db().labPoolSetting.findMany({ select: { labSlug: true, size: true } })
  return {
    labs: Object.fromEntries(settings.map((s) => [s.labSlug, s.size])),
    sessions: await sessionsToWarm(now),
  }
}

/** Pushes the desired state to the runner; answers what the runner holds now. */
export async function pushPoolState(options: {
  now: Date
  client: Pick<RunnerClient, 'configurePools'>
}): Promise<RunnerResult<PoolsStatus>> {
  return options.client.configurePools(await desiredPoolState(options.now))
}

/**
 * The scheduled session whose pool this learner's start should try first: one of their active
 * cohorts' sessions of this lab in its window (the earliest-starting if several).
 */
export async function poolSessionFor(options: {
  userId: string
  labSlug: string
  now: Date
}): Promise<string | undefined> {
  const { userId, labSlug, now } = options
  const session = await db().scheduledLabSession.findFirst({
    where: {
      labSlug,
      cancelledAt: null,
      startsAt: { lte: new Date(now.getTime() + WARM_LEAD_MS) },
      endsAt: { gt: now },
      cohort: { archivedAt: null, members: { some: { userId, removedAt: null } } },
    },
    orderBy: { startsAt: 'asc' },
    select: { id: true },
  })
  return session?.id
}

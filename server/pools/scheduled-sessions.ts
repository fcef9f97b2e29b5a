import 'server-only'
// Scheduled lab sessions (issue 13): an instructor books "lab N at T for S seats" for a cohort;
// the lab's warm pool fills for it from ten minutes before T (server/pools/pool-state.ts).
import type { PoolPlan, PoolStatus } from '@/contracts/runner-api'
import { recordAuditEvent } from '@/server/audit/record-audit-event'
import { labsOfCourses, requireCohortInstructor } from '@/server/cohorts/cohort-access'
import { db } from '@/server/db'
import { AppError } from '@/server/errors'
import { getLab } from '@/server/labs/list-labs'
import { runner } from '@/server/labs/runner'
import type { CurrentUser } from '@/server/session/current-user'
import { pushPoolState, WARM_LEAD_MS } from './pool-state'

export const MAX_SEATS = 200
const MAX_DURATION_MINUTES = 8 * 60

export interface ScheduleOutcome {
  sessionId: string
  /** What the engine can hold for this session now, and why not more (null: runner not answering). */
  plan: PoolPlan | null
}

export async function scheduleLabSession(options: {
  actor: Pick<CurrentUser, 'id' | 'role'>
  cohortId: string
  labSlug: string
  startsAt: Date
  durationMinutes: number
  seats: number
  now: Date
}): Promise<ScheduleOutcome> {
  const { actor, cohortId, labSlug, startsAt, durationMinutes, seats, now } = options
  const cohort = await requireCohortInstructor({ actor, cohortId })
  const lab = await getLab(labSlug)
  if (!lab || !(await labsOfCourses([cohort.courseSlug]))(labSlug))
    throw new AppError(
      'invalid',
      `"${labSlug}" is not a lab of this cohort's course; pick one from the list.`,
    )
  if (Number.isNaN(startsAt.getTime()))
    throw new AppError('invalid', 'The start time is not a date and time; pick one in the form.')
  if (startsAt.getTime() <= now.getTime())
    throw new AppError('invalid', 'The start time is in the past; pick a time from now on.')
  if (!Number.isInteger(seats) || seats < 1 || seats > MAX_SEATS)
    throw new AppError('invalid', `Seats must be a whole number from 1 to ${MAX_SEATS}.`)
  if (!Number.isInteger(durationMinutes) || durationMinutes < 15 || durationMinutes > MAX_DURATION_MINUTES)
    throw new AppError('invalid', `The duration must be from 15 to ${MAX_DURATION_MINUTES} minutes.`)
  const session = await db().scheduledLabSession.create({
    data: {
      cohortId,
      labSlug,
      startsAt,
      endsAt: new Date(startsAt.getTime() + durationMinutes * 60_000),
      seats,
      createdById: actor.id,
    },
    select: { id: true },
  })
  await recordAuditEvent({
    actorId: actor.id,
    action: 'lab-session.schedule',
    cohortId,
    details: { labSlug, startsAt: startsAt.toISOString(), seats, durationMinutes },
  })
  const plan = await runner().planPool(labSlug, seats)
  // Starting within ten minutes: warm now rather than at the next sync round.
  if (startsAt.getTime() - WARM_LEAD_MS <= now.getTime()) await pushPoolState({ now, client: runner() })
  return { sessionId: session.id, plan: plan.ok ? plan.value : null }
}

export async function cancelScheduledSession(options: {
  actor: Pick<CurrentUser, 'id' | 'role'>
  cohortId: string
  sessionId: string
  now: Date
}): Promise<void> {
  const { actor, cohortId, sessionId, now } = options
  await requireCohortInstructor({ actor, cohortId })
  const updated = await db().scheduledLabSession.updateMany({
    where: { id: sessionId, cohortId, cancelledAt: null },
    data: { cancelledAt: now },
  })
  if (updated.count === 0)
    throw new AppError('not-found', 'That session does not exist or is already cancelled.')
  await recordAuditEvent({
    actorId: actor.id,
    action: 'lab-session.cancel',
    cohortId,
    details: { sessionId },
  })
  await pushPoolState({ now, client: runner() })
}

export interface ScheduledSessionView {
  id: string
  labSlug: string
  labTitle: string
  startsAt: Date
  endsAt: Date
  seats: number
  phase: 'scheduled' | 'warming' | 'running' | 'over'
  /** From the runner (null when it does not answer or the session is not in its window). */
  pool: Pick<PoolStatus, 'target' | 'ready' | 'starting' | 'claimed' | 'coldStarts'> | null
  /** Cohort learners whose lab is still starting cold (LabSession provisioning, started in the window). */
  coldStarting: number
}

/** The cohort's sessions that are not over for more than a day, with their pools. */
export async function listScheduledSessions(options: {
  actor: Pick<CurrentUser, 'id' | 'role'>
  cohortId: string
  now: Date
}): Promise<ScheduledSessionView[]> {
  const { actor, cohortId, now } = options
  await requireCohortInstructor({ actor, cohortId })
  const rows = await db().scheduledLabSession.findMany({
    where: { cohortId, cancelledAt: null, endsAt: { gt: new Date(now.getTime() - 24 * 3_600_000) } },
    orderBy: { startsAt: 'asc' },
  })
  if (rows.length === 0) return []
  const status = await runner().getPools()
  const pools = status.ok ? status.value.pools : []
  return Promise.all(
    rows.map(async (row): Promise<ScheduledSessionView> => {
      const t = now.getTime()
      const phase =
        t >= row.endsAt.getTime()
          ? 'over'
          : t >= row.startsAt.getTime()
            ? 'running'
            : t >= row.startsAt.getTime() - WARM_LEAD_MS
              ? 'warming'
              : 'scheduled'
      const pool = pools.find((p) => p.sessionId === row.id)
      const coldStarting =
        phase === 'over' || phase === 'scheduled'
          ? 0
          : await db().labSession.count({
              where: {
                labSlug: row.labSlug,
                status: 'provisioning',
                startedAt: { gte: new Date(row.startsAt.getTime() - WARM_LEAD_MS) },
                user: { cohortsJoined: { some: { cohortId, removedAt: null } } },
              },
            })
      return {
        id: row.id,
        labSlug: row.labSlug,
        labTitle: (await getLab(row.labSlug))?.title ?? row.labSlug,
        startsAt: row.startsAt,
        endsAt: row.endsAt,
        seats: row.seats,
        phase,
        pool: pool
          ? {
              target: pool.target,
              ready: pool.ready,
              starting: pool.starting,
              claimed: pool.claimed,
              coldStarts: pool.coldStarts,
            }
          : null,
        coldStarting,
      }
    }),
  )
}

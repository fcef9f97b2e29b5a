// Against the real test database, with a fake clock: a scheduled session's pool is wanted from
// ten minutes before its start until its end, and only the cohort's learners claim from it.
import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createCohort } from '@/server/cohorts/create-cohort'
import { joinCohort } from '@/server/cohorts/join-cohort'
import { createInvite } from '@/server/cohorts/manage-invites'
import { db } from '@/server/db'
import type { CurrentUser, Role } from '@/server/session/current-user'
import { desiredPoolState, poolSessionFor, sessionsToWarm, WARM_LEAD_MS } from './pool-state'

async function newUser(role: Role = 'learner'): Promise<CurrentUser> {
  const id = randomUUID()
  const email = `${role}-${id}@example.test`
  await db().user.create({ data: { id, name: role, email, role }, select: { id: true } })
  return { id, name: role, email, role }
}

const MINUTE = 60_000

describe('scheduled lab sessions and warm pools', () => {
  it('warms a session from ten minutes before its start to its end, for its cohort only', async () => {
    const teacher = await newUser('instructor')
    const [ada, outsider] = [await newUser(), await newUser()]
    const { id: cohortId } = await createCohort({
      actor: teacher,
      name: 'Pool',
      courseSlug: 'production-operations',
    })
    const { code } = await createInvite({ actor: teacher, cohortId, expiresInDays: 1 })
    await joinCohort({ user: ada, code })
    // Far in the future, so other tests' sessions never overlap this one's window.
    const startsAt = new Date(Date.UTC(2090, 0, 1, 9, 0) + Math.floor(Math.random() * 1e6) * MINUTE)
    const session = await db().scheduledLabSession.create({
      data: {
        cohortId,
        labSlug: 'ha-setup',
        startsAt,
        endsAt: new Date(startsAt.getTime() + 90 * MINUTE),
        seats: 12,
        createdById: teacher.id,
      },
    })
    const at = (offsetMinutes: number) => new Date(startsAt.getTime() + offsetMinutes * MINUTE)
    const warmed = async (now: Date) => (await sessionsToWarm(now)).some((s) => s.id === session.id)

    expect(await warmed(at(-11))).toBe(false)
    expect(await warmed(new Date(startsAt.getTime() - WARM_LEAD_MS))).toBe(true)
    expect(await warmed(at(45))).toBe(true)
    expect(await warmed(at(90))).toBe(false)
    const state = await desiredPoolState(at(-5))
    expect(state.sessions).toContainEqual({ id: session.id, labSlug: 'ha-setup', seats: 12 })

    // The cohort's learner claims from it inside the window; nobody else, and not outside it.
    expect(await poolSessionFor({ userId: ada.id, labSlug: 'ha-setup', now: at(-5) })).toBe(session.id)
    expect(await poolSessionFor({ userId: ada.id, labSlug: 'ha-setup', now: at(-11) })).toBeUndefined()
    expect(await poolSessionFor({ userId: ada.id, labSlug: 'dr-test', now: at(5) })).toBeUndefined()
    expect(await poolSessionFor({ userId: outsider.id, labSlug: 'ha-setup', now: at(5) })).toBeUndefined()
    expect(await poolSessionFor({ userId: ada.id, labSlug: 'ha-setup', now: at(91) })).toBeUndefined()

    // Cancelled: no longer warmed (the runner releases its unclaimed sandboxes on the next push).
    await db().scheduledLabSession.update({ where: { id: session.id }, data: { cancelledAt: at(-20) } })
    expect(await warmed(at(5))).toBe(false)
  })

  it('pushes the admin pool sizes from the database', async () => {
    const slug = `pool-test-${randomUUID().slice(0, 8)}`
    await db().labPoolSetting.create({ data: { labSlug: slug, size: 3 } })
    expect((await desiredPoolState(new Date())).labs[slug]).toBe(3)
    await db().labPoolSetting.delete({ where: { labSlug: slug } })
  })
})

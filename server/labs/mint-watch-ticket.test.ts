// Against the real test database: only an instructor of one of the learner's cohorts (or an
// admin) may watch; everyone else is refused before the runner is asked for anything.
import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createCohort } from '@/server/cohorts/create-cohort'
import { joinCohort } from '@/server/cohorts/join-cohort'
import { createInvite } from '@/server/cohorts/manage-invites'
import { db } from '@/server/db'
import { readGradedLabs } from '@/server/grading/graded-labs'
import type { CurrentUser, Role } from '@/server/session/current-user'
import { auditWatch, mintWatchTicket } from './mint-watch-ticket'

async function newUser(role: Role = 'learner', name = 'Learner'): Promise<CurrentUser> {
  const id = randomUUID()
  const email = `${role}-${id}@example.test`
  await db().user.create({ data: { id, name, email, role }, select: { id: true } })
  return { id, name, email, role }
}

describe('mintWatchTicket', () => {
  it('refuses instructors of other cohorts, learners, and sessions that are not running', async () => {
    const { labs } = await readGradedLabs()
    const lab = labs[0]
    if (!lab) throw new Error('this test needs at least one lab under labs/')
    const teacher = await newUser('instructor')
    const otherTeacher = await newUser('instructor')
    const ada = await newUser('learner', 'Ada')
    const classmate = await newUser('learner', 'Cy')
    const { id: cohortId } = await createCohort({
      actor: teacher,
      name: 'Watched',
      courseSlug: 'production-operations',
    })
    await createCohort({ actor: otherTeacher, name: 'Elsewhere', courseSlug: 'production-operations' })
    const { code } = await createInvite({ actor: teacher, cohortId, expiresInDays: 1 })
    await joinCohort({ user: ada, code })
    await joinCohort({ user: classmate, code })
    const running = await db().labSession.create({
      data: {
        userId: ada.id,
        labSlug: lab.slug,
        sandboxId: `sb-${randomUUID()}`,
        status: 'ready',
        expiresAt: new Date(Date.now() + 45 * 60_000),
      },
      select: { id: true },
    })
    const ended = await db().labSession.create({
      data: {
        userId: ada.id,
        labSlug: lab.slug,
        sandboxId: `sb-${randomUUID()}`,
        status: 'ended',
        endedAt: new Date(),
      },
      select: { id: true },
    })

    await expect(mintWatchTicket({ actor: otherTeacher, sessionId: running.id })).rejects.toMatchObject({
      code: 'forbidden',
    })
    await expect(mintWatchTicket({ actor: classmate, sessionId: running.id })).rejects.toMatchObject({
      code: 'forbidden',
    })
    await expect(mintWatchTicket({ actor: ada, sessionId: running.id })).rejects.toMatchObject({
      code: 'forbidden',
    })
    await expect(mintWatchTicket({ actor: teacher, sessionId: randomUUID() })).rejects.toMatchObject({
      code: 'not-found',
    })
    // The cohort's own instructor passes the permission check; an ended lab has nothing to watch.
    await expect(mintWatchTicket({ actor: teacher, sessionId: ended.id })).rejects.toMatchObject({
      code: 'conflict',
    })
    await expect(
      mintWatchTicket({ actor: teacher, sessionId: running.id, host: 'no-such-host' }),
    ).rejects.toMatchObject({ code: 'forbidden' })
    // Nothing was minted, so nothing was logged.
    expect(await db().auditEvent.count({ where: { targetUserId: ada.id, action: 'sandbox.watch' } })).toBe(0)
  })

  it('records one audit event per viewing, not one per reconnect', async () => {
    const teacher = await newUser('instructor')
    const ada = await newUser('learner', 'Ada')
    const target = { learnerId: ada.id, cohortIds: [], labSlug: 'ha-setup', sessionId: randomUUID() }
    const count = () =>
      db().auditEvent.count({ where: { actorId: teacher.id, targetUserId: ada.id, action: 'sandbox.watch' } })
    const createdAt = new Date()
    await auditWatch({ actorId: teacher.id, target, host: 'workstation', now: createdAt })
    await auditWatch({ actorId: teacher.id, target, host: 'workstation', now: createdAt })
    expect(await count()).toBe(1)
    // Another host, or another session, is another viewing.
    await auditWatch({ actorId: teacher.id, target, host: 'lb', now: createdAt })
    await auditWatch({
      actorId: teacher.id,
      target: { ...target, sessionId: randomUUID() },
      host: 'workstation',
      now: createdAt,
    })
    expect(await count()).toBe(3)
    // Eleven minutes later the same watch is recorded again.
    await auditWatch({
      actorId: teacher.id,
      target,
      host: 'workstation',
      now: new Date(createdAt.getTime() + 11 * 60_000),
    })
    expect(await count()).toBe(4)
  })
})

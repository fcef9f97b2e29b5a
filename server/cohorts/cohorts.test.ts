// Against the real test database: cohorts, invites, joining and who may see what.
import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { db } from '@/server/db'
import type { CurrentUser, Role } from '@/server/session/current-user'
import { requireCohortInstructor, requireLearnerVisible } from './cohort-access'
import { createCohort } from './create-cohort'
import { joinCohort } from './join-cohort'
import { listJoinedCohorts, listTaughtCohorts } from './list-cohorts'
import { createInvite, listInvites, revokeInvite } from './manage-invites'
import { addCohortInstructor, listMembers, removeMember } from './manage-members'

const COURSE = 'production-operations'

async function newUser(role: Role = 'learner', name = 'Someone'): Promise<CurrentUser> {
  const id = randomUUID()
  const email = `${role}-${id}@example.test`
  await db().user.create({
    data: { id, name: `${name} ${id.slice(0, 4)}`, email, role },
    select: { id: true },
  })
  return { id, name: `${name} ${id.slice(0, 4)}`, email, role }
}

describe('cohorts', () => {
  it('an instructor creates a cohort, a learner joins by code, the instructor sees and removes them', async () => {
    const teacher = await newUser('instructor', 'Teacher')
    const learner = await newUser('learner', 'Ada')
    const { id: cohortId } = await createCohort({ actor: teacher, name: 'Spring', courseSlug: COURSE })
    const invite = await createInvite({ actor: teacher, cohortId, expiresInDays: 7 })
    expect(invite.code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/)

    // Codes are accepted however they are typed.
    const typed = invite.code.toLowerCase().replace(/-/g, ' ')
    expect(await joinCohort({ user: learner, code: typed })).toMatchObject({
      status: 'joined',
      cohortId,
      cohortName: 'Spring',
    })
    expect(await joinCohort({ user: learner, code: invite.code })).toMatchObject({ status: 'already-member' })
    expect((await listInvites({ actor: teacher, cohortId }))[0]).toMatchObject({ uses: 1, state: 'active' })
    expect((await listMembers({ actor: teacher, cohortId })).map((m) => m.userId)).toEqual([learner.id])
    expect((await listTaughtCohorts({ actor: teacher })).find((c) => c.id === cohortId)).toMatchObject({
      learners: 1,
    })
    expect((await listJoinedCohorts({ user: learner })).map((c) => c.id)).toEqual([cohortId])

    await removeMember({ actor: teacher, cohortId, userId: learner.id })
    expect(await listMembers({ actor: teacher, cohortId })).toEqual([])
    expect(await listJoinedCohorts({ user: learner })).toEqual([])

    const audit = await db().auditEvent.findMany({
      where: { cohortId },
      orderBy: { createdAt: 'asc' },
      select: { action: true, actorId: true },
    })
    expect(audit.map((a) => a.action)).toEqual([
      'cohort.create',
      'cohort.invite.create',
      'cohort.member.join',
      'cohort.member.remove',
    ])
    expect(audit[3]?.actorId).toBe(teacher.id)
  })

  it('refuses expired, revoked and used-up invites and unknown codes', async () => {
    const teacher = await newUser('instructor')
    const { id: cohortId } = await createCohort({ actor: teacher, name: 'Limits', courseSlug: COURSE })
    const once = await createInvite({ actor: teacher, cohortId, expiresInDays: 1, maxUses: 1 })
    const [a, b, c] = [await newUser(), await newUser(), await newUser()]
    expect(await joinCohort({ user: a, code: once.code })).toMatchObject({ status: 'joined' })
    expect(await joinCohort({ user: b, code: once.code })).toEqual({ status: 'used-up' })

    const revoked = await createInvite({ actor: teacher, cohortId, expiresInDays: 1 })
    await revokeInvite({ actor: teacher, inviteId: revoked.id })
    expect(await joinCohort({ user: b, code: revoked.code })).toEqual({ status: 'revoked' })

    const expired = await createInvite({ actor: teacher, cohortId, expiresInDays: 1 })
    await db().cohortInvite.update({
      where: { id: expired.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    })
    expect(await joinCohort({ user: c, code: expired.code })).toEqual({ status: 'expired' })
    expect(await joinCohort({ user: c, code: 'NOPE-NOPE-NOPE' })).toEqual({ status: 'not-found' })
    await expect(createInvite({ actor: teacher, cohortId, expiresInDays: 0 })).rejects.toThrow(
      /expire within/,
    )
  })

  it('two learners racing for the last use of an invite: exactly one gets in', async () => {
    const teacher = await newUser('instructor')
    const { id: cohortId } = await createCohort({ actor: teacher, name: 'Race', courseSlug: COURSE })
    const invite = await createInvite({ actor: teacher, cohortId, expiresInDays: 1, maxUses: 1 })
    const racers = await Promise.all([newUser(), newUser(), newUser(), newUser()])
    const results = await Promise.allSettled(racers.map((user) => joinCohort({ user, code: invite.code })))
    const joined = results.filter((r) => r.status === 'fulfilled' && r.value.status === 'joined')
    expect(joined).toHaveLength(1)
    expect(await db().cohortMember.count({ where: { cohortId } })).toBe(1)
  })

  it('an instructor of cohort A cannot see cohort B or its learners; a learner sees no cohort; admins see all', async () => {
    const [alice, bob, admin] = [
      await newUser('instructor'),
      await newUser('instructor'),
      await newUser('admin'),
    ]
    const learnerA = await newUser()
    const learnerB = await newUser()
    const a = await createCohort({ actor: alice, name: 'A', courseSlug: COURSE })
    const b = await createCohort({ actor: bob, name: 'B', courseSlug: COURSE })
    await joinCohort({
      user: learnerA,
      code: (await createInvite({ actor: alice, cohortId: a.id, expiresInDays: 1 })).code,
    })
    await joinCohort({
      user: learnerB,
      code: (await createInvite({ actor: bob, cohortId: b.id, expiresInDays: 1 })).code,
    })

    await expect(requireCohortInstructor({ actor: alice, cohortId: b.id })).rejects.toMatchObject({
      code: 'forbidden',
    })
    await expect(listMembers({ actor: alice, cohortId: b.id })).rejects.toMatchObject({ code: 'forbidden' })
    await expect(createInvite({ actor: alice, cohortId: b.id, expiresInDays: 1 })).rejects.toMatchObject({
      code: 'forbidden',
    })
    await expect(removeMember({ actor: alice, cohortId: b.id, userId: learnerB.id })).rejects.toMatchObject({
      code: 'forbidden',
    })
    await expect(requireLearnerVisible({ actor: alice, learnerId: learnerB.id })).rejects.toMatchObject({
      code: 'forbidden',
    })
    expect(await requireLearnerVisible({ actor: alice, learnerId: learnerA.id })).toEqual([a.id])
    expect((await listTaughtCohorts({ actor: alice })).map((c) => c.id)).not.toContain(b.id)

    await expect(listMembers({ actor: learnerA, cohortId: a.id })).rejects.toMatchObject({
      code: 'forbidden',
    })
    await expect(listTaughtCohorts({ actor: learnerA })).rejects.toMatchObject({ code: 'forbidden' })
    await expect(createCohort({ actor: learnerA, name: 'Mine', courseSlug: COURSE })).rejects.toMatchObject({
      code: 'forbidden',
    })
    await expect(requireCohortInstructor({ actor: alice, cohortId: randomUUID() })).rejects.toMatchObject({
      code: 'not-found',
    })

    expect((await listMembers({ actor: admin, cohortId: b.id })).map((m) => m.userId)).toEqual([learnerB.id])
    // Only admins assign instructors; afterwards Alice teaches B too.
    await expect(
      addCohortInstructor({ actor: bob, cohortId: b.id, email: alice.email }),
    ).rejects.toMatchObject({ code: 'forbidden' })
    await expect(
      addCohortInstructor({ actor: admin, cohortId: b.id, email: learnerA.email }),
    ).rejects.toMatchObject({ code: 'invalid' })
    await addCohortInstructor({ actor: admin, cohortId: b.id, email: alice.email })
    expect((await listMembers({ actor: alice, cohortId: b.id })).map((m) => m.userId)).toEqual([learnerB.id])
  })
})

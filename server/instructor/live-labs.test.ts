// Against the real test database: the cohort's running sandboxes come from LabSession rows,
// and sandbox actions are refused outside the instructor's cohorts.
import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createCohort } from '@/server/cohorts/create-cohort'
import { joinCohort } from '@/server/cohorts/join-cohort'
import { createInvite } from '@/server/cohorts/manage-invites'
import { db } from '@/server/db'
import { readGradedLabs } from '@/server/grading/graded-labs'
import type { CurrentUser, Role } from '@/server/session/current-user'
import { actOnSandbox, listLiveSandboxes } from './live-labs'

async function newUser(role: Role = 'learner', name = 'Learner'): Promise<CurrentUser> {
  const id = randomUUID()
  const email = `${role}-${id}@example.test`
  await db().user.create({ data: { id, name, email, role }, select: { id: true } })
  return { id, name, email, role }
}

describe('live labs', () => {
  it('lists running sandboxes of the cohort with the current step, and refuses strangers', async () => {
    const { labs } = await readGradedLabs()
    const lab = labs[0]
    if (!lab) throw new Error('this test needs at least one lab under labs/')
    const teacher = await newUser('instructor')
    const stranger = await newUser('instructor')
    const [ada, bob, outsider] = [
      await newUser('learner', 'Ada'),
      await newUser('learner', 'Bob'),
      await newUser('learner', 'Out'),
    ]
    const { id: cohortId } = await createCohort({
      actor: teacher,
      name: 'Live',
      courseSlug: 'production-operations',
    })
    const { code } = await createInvite({ actor: teacher, cohortId, expiresInDays: 1 })
    await joinCohort({ user: ada, code })
    await joinCohort({ user: bob, code })
    const expiresAt = new Date(Date.now() + 45 * 60_000)
    await db().labSession.createMany({
      data: [
        { userId: ada.id, labSlug: lab.slug, sandboxId: `sb-${randomUUID()}`, status: 'ready', expiresAt },
        {
          userId: bob.id,
          labSlug: lab.slug,
          sandboxId: `sb-${randomUUID()}`,
          status: 'ended',
          endedAt: new Date(),
        },
        {
          userId: outsider.id,
          labSlug: lab.slug,
          sandboxId: `sb-${randomUUID()}`,
          status: 'ready',
          expiresAt,
        },
      ],
    })
    await db().labStepResult.create({
      data: {
        userId: ada.id,
        labSlug: lab.slug,
        stepId: lab.steps[0]!.id,
        attempts: 1,
        passedAt: new Date(),
      },
    })

    const live = await listLiveSandboxes({ actor: teacher, cohortId })
    expect(live).toHaveLength(1)
    expect(live[0]).toMatchObject({
      userId: ada.id,
      learnerName: 'Ada',
      labSlug: lab.slug,
      status: 'ready',
      currentStep: lab.steps[1]?.title ?? null,
    })
    await expect(listLiveSandboxes({ actor: stranger, cohortId })).rejects.toMatchObject({
      code: 'forbidden',
    })

    await expect(
      actOnSandbox({ actor: stranger, cohortId, learnerId: ada.id, labSlug: lab.slug, action: 'end' }),
    ).rejects.toMatchObject({ code: 'forbidden' })
    await expect(
      actOnSandbox({ actor: teacher, cohortId, learnerId: outsider.id, labSlug: lab.slug, action: 'end' }),
    ).rejects.toMatchObject({ code: 'forbidden' })
    // Bob has no running sandbox: the lab functions answer "not running", and nothing is logged.
    await expect(
      actOnSandbox({ actor: teacher, cohortId, learnerId: bob.id, labSlug: lab.slug, action: 'extend' }),
    ).rejects.toMatchObject({ code: 'conflict' })
    expect(await db().auditEvent.count({ where: { cohortId, action: { startsWith: 'sandbox.' } } })).toBe(0)
  })
})

// Attacks on grading scope (issue 11, item 9): an instructor of one cohort changing another
// cohort's weights, an instructor of one course reading and watching a learner's other course,
// and grading API tokens used beyond their scope, after expiry or after revocation. Nothing may
// change a grade, and every attempt is audited.
import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { POST as postOverride } from '@/app/api/grading/overrides/route'
import { createApiToken, revokeApiToken } from '@/server/api-tokens/api-tokens'
import { createCohort } from '@/server/cohorts/create-cohort'
import { joinCohort } from '@/server/cohorts/join-cohort'
import { createInvite } from '@/server/cohorts/manage-invites'
import { db } from '@/server/db'
import { getGradingPolicy, setGradingPolicy } from '@/server/grading/grading-policy'
import { loadLearnerGrade } from '@/server/grading/load-learner-grade'
import { loadLearnerActivity } from '@/server/instructor/learner-activity'
import { getWatchTarget } from '@/server/labs/mint-watch-ticket'
import type { CurrentUser } from '@/server/session/current-user'
import { COURSE, newUser } from './support'

async function cohortWith(teacher: CurrentUser, learner: CurrentUser, name: string) {
  const { id } = await createCohort({ actor: teacher, name, courseSlug: COURSE })
  const invite = await createInvite({ actor: teacher, cohortId: id, expiresInDays: 1 })
  await joinCohort({ user: learner, code: invite.code })
  return id
}

const grade = async (learner: CurrentUser) => {
  const g = await loadLearnerGrade({ actor: learner, userId: learner.id, courseSlug: COURSE })
  return { final: g.final, categories: g.categories, policy: g.policy }
}

const refusals = (actorId: string, action: string) =>
  db().auditEvent.findMany({ where: { actorId, action }, select: { details: true, cohortId: true } })

describe('adversarial: grading scope', () => {
  it("an instructor cannot change another cohort's weights, even of the same course", async () => {
    const [teacherA, teacherB, learner] = [
      await newUser('instructor'),
      await newUser('instructor'),
      await newUser(),
    ]
    await cohortWith(teacherA, await newUser(), 'Cohort A')
    const cohortB = await cohortWith(teacherB, learner, 'Cohort B')
    await db().quizAttempt.create({
      data: {
        userId: learner.id,
        quizKey: `${COURSE}/incident-response`,
        answers: {},
        correct: 3,
        total: 5,
        passed: false,
      },
    })
    const before = await grade(learner)
    const policyBefore = await getGradingPolicy({ courseSlug: COURSE, cohortId: cohortB })

    await expect(
      setGradingPolicy({
        actor: teacherA,
        cohortId: cohortB,
        policy: { lessonWeight: 0, quizWeight: 100, labWeight: 0, partialCredit: true },
      }),
    ).rejects.toMatchObject({
      code: 'forbidden',
      message: 'Only instructors of this cohort can change its grading policy.',
    })

    expect(await getGradingPolicy({ courseSlug: COURSE, cohortId: cohortB })).toEqual(policyBefore)
    expect(await grade(learner)).toEqual(before)
    expect(await refusals(teacherA.id, 'grading-policy.refused')).toEqual([
      { cohortId: cohortB, details: { reason: 'not-an-instructor-of-this-cohort' } },
    ])

    // Its own instructor can, and the learner is graded by their cohort's weights.
    await setGradingPolicy({
      actor: teacherB,
      cohortId: cohortB,
      policy: { lessonWeight: 0, quizWeight: 100, labWeight: 0, partialCredit: true },
    })
    expect((await grade(learner)).policy).toMatchObject({ cohortId: cohortB, quizWeight: 100 })
  })

  it("an instructor of one course sees nothing of the learner's other course and cannot watch its labs", async () => {
    const [teacher, learner] = [await newUser('instructor'), await newUser()]
    // A cohort of another course this installation teaches, shared by the instructor and the learner.
    const other = await db().cohort.create({
      data: { name: 'Other course', courseSlug: 'another-course', createdById: teacher.id },
      select: { id: true },
    })
    await db().cohortInstructor.create({ data: { cohortId: other.id, userId: teacher.id } })
    await db().cohortMember.create({ data: { cohortId: other.id, userId: learner.id } })
    // The learner's work in production-operations, including a running lab of that course.
    await db().lessonProgress.create({
      data: {
        userId: learner.id,
        lessonKey: `${COURSE}/high-availability-design`,
        earnedAt: new Date(),
        earnedBy: 'read',
      },
    })
    const session = await db().labSession.create({
      data: { userId: learner.id, labSlug: 'ha-setup', sandboxId: `sbx-${randomUUID()}`, status: 'ready' },
      select: { id: true },
    })

    const activity = await loadLearnerActivity({ actor: teacher, learnerId: learner.id })
    expect(activity.courseSlugs).toEqual(['another-course'])
    expect(activity.events).toEqual([])

    await expect(getWatchTarget({ actor: teacher, sessionId: session.id })).rejects.toMatchObject({
      code: 'forbidden',
    })
    expect(await refusals(teacher.id, 'instructor.scope.refused')).toMatchObject([
      { details: { reason: 'lab-outside-cohort-course', labSlug: 'ha-setup' } },
    ])
    expect(await db().auditEvent.count({ where: { actorId: teacher.id, action: 'sandbox.watch' } })).toBe(0)
  })

  it('grading tokens: read-only, expired and revoked tokens cannot write an override', async () => {
    const [teacher, learner] = [await newUser('instructor'), await newUser()]
    await cohortWith(teacher, learner, 'Tokens')
    const before = await grade(learner)
    const override = (token: string) =>
      postOverride(
        new Request('http://localhost/api/grading/overrides', {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            userId: learner.id,
            courseSlug: COURSE,
            itemKey: 'final',
            percent: 100,
            reason: 'free points',
          }),
        }),
        {},
      )

    const readOnly = await createApiToken({ actor: teacher, name: 'read only', scopes: ['grades:read'] })
    const refused = await override(readOnly.token)
    expect(refused.status).toBe(403)
    expect(((await refused.json()) as { error: string }).error).toContain('needs the "overrides:write" scope')

    const expired = await createApiToken({
      actor: teacher,
      name: 'old',
      scopes: ['overrides:write'],
      expiresInDays: 1,
    })
    await db().apiToken.update({
      where: { id: expired.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    })
    const late = await override(expired.token)
    expect(late.status).toBe(401)
    expect(((await late.json()) as { error: string }).error).toContain('has expired')

    const revoked = await createApiToken({ actor: teacher, name: 'leaked', scopes: ['overrides:write'] })
    await revokeApiToken({ actor: teacher, tokenId: revoked.id })
    expect((await override(revoked.token)).status).toBe(401)

    expect(await db().gradeOverride.count({ where: { userId: learner.id } })).toBe(0)
    expect(await grade(learner)).toEqual(before)
    const audited = await refusals(teacher.id, 'api-token.refused')
    expect(audited.map((a) => (a.details as { reason: string }).reason).sort()).toEqual([
      'expired',
      'missing-scope',
      'revoked',
    ])

    // A token with the scope works, and records when it was used.
    const writer = await createApiToken({
      actor: teacher,
      name: 'grader',
      scopes: ['overrides:write'],
      expiresInDays: 30,
    })
    expect((await override(writer.token)).status).toBe(200)
    const used = await db().apiToken.findUniqueOrThrow({
      where: { id: writer.id },
      select: { lastUsedAt: true },
    })
    expect(used.lastUsedAt).not.toBeNull()
    await expect(createApiToken({ actor: teacher, name: 'x', scopes: ['admin'] })).rejects.toMatchObject({
      code: 'invalid',
    })
    await expect(createApiToken({ actor: teacher, name: 'x', expiresInDays: 400 })).rejects.toMatchObject({
      code: 'invalid',
    })
  })
})

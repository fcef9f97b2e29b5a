// Against the real test database: a cohort's grades from real progress rows, overrides,
// the CSV and JSON shapes, tokens for the grading API, and certificates.
import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { authenticateApiToken, createApiToken, revokeApiToken } from '@/server/api-tokens/api-tokens'
import { issueCertificateIfComplete, verifyCertificate } from '@/server/certificates/certificates'
import { createCohort } from '@/server/cohorts/create-cohort'
import { joinCohort } from '@/server/cohorts/join-cohort'
import { createInvite } from '@/server/cohorts/manage-invites'
import { getCourse } from '@/server/content/catalog'
import { db } from '@/server/db'
import { buildProgressMatrix, parseMatrixQuery } from '@/server/instructor/progress-matrix'
import { loadLabAnalytics } from '@/server/instructor/lab-analytics'
import { loadLearnerActivity } from '@/server/instructor/learner-activity'
import type { CurrentUser, Role } from '@/server/session/current-user'
import { gradebookCsv, gradebookJson } from './gradebook'
import { readGradedLabs } from './graded-labs'
import { loadCohortProgress } from './load-cohort-progress'
import { loadLearnerGrade } from './load-learner-grade'
import { setGradeOverride } from './set-grade-override'
import { getGradingPolicy, setGradingPolicy } from './grading-policy'

const COURSE = 'production-operations'
const labCatalog = {
  labs: [
    {
      slug: 'ha-setup',
      title: 'HA setup',
      totalPoints: 30,
      steps: [
        { id: 'lb', title: 'Load balancer', points: 10 },
        { id: 'replica', title: 'Replica', points: 20 },
      ],
    },
  ],
  problems: [],
}

async function newUser(role: Role = 'learner', name = 'Learner'): Promise<CurrentUser> {
  const id = randomUUID()
  const email = `${role}-${id}@example.test`
  await db().user.create({ data: { id, name, email, role }, select: { id: true } })
  return { id, name, email, role }
}

async function cohortWith(teacher: CurrentUser, learners: CurrentUser[]) {
  const { id } = await createCohort({
    actor: teacher,
    name: `Grading ${randomUUID().slice(0, 6)}`,
    courseSlug: COURSE,
  })
  const { code } = await createInvite({ actor: teacher, cohortId: id, expiresInDays: 1 })
  for (const user of learners) await joinCohort({ user, code })
  return id
}

describe('loadCohortProgress', () => {
  it('grades every learner from lessons, quiz attempts and lab steps, and feeds the matrix, CSV and JSON', async () => {
    const course = (await getCourse(COURSE))!
    const teacher = await newUser('instructor', 'Teacher')
    const ada = await newUser('learner', '=Ada "Formula"')
    const bob = await newUser('learner', 'Bob')
    const outsider = await newUser('learner', 'Outsider')
    const cohortId = await cohortWith(teacher, [ada, bob])

    const lesson = course.lessons[0]!
    const quiz = course.modules[0]!.quiz
    const total = quiz.questions.length
    await db().lessonProgress.create({
      data: { userId: ada.id, lessonKey: lesson.key, earnedAt: new Date(), earnedBy: 'read' },
    })
    await db().lessonProgress.create({ data: { userId: bob.id, lessonKey: course.lessons[1]!.key } })
    await db().quizAttempt.createMany({
      data: [
        { userId: ada.id, quizKey: quiz.key, answers: {}, correct: 1, total, passed: false },
        { userId: ada.id, quizKey: quiz.key, answers: {}, correct: total, total, passed: true },
        { userId: bob.id, quizKey: quiz.key, answers: {}, correct: 0, total, passed: false },
        { userId: bob.id, quizKey: quiz.key, answers: {}, correct: 1, total, passed: false },
        { userId: outsider.id, quizKey: quiz.key, answers: {}, correct: total, total, passed: true },
      ],
    })
    await db().labStepResult.createMany({
      data: [
        { userId: ada.id, labSlug: 'ha-setup', stepId: 'lb', attempts: 2, passedAt: new Date(), points: 10 },
        { userId: bob.id, labSlug: 'ha-setup', stepId: 'lb', attempts: 5 },
      ],
    })

    const progress = await loadCohortProgress({ actor: teacher, cohortId, labCatalog })
    expect(progress.learners.map((l) => l.name)).toEqual(['=Ada "Formula"', 'Bob'])
    expect(progress.items).toHaveLength(course.lessons.length + course.modules.length + 2)
    const [a, b] = progress.learners
    const col = (key: string) => progress.items.findIndex((i) => i.key === key)
    expect(a!.cells[col(`lesson:${lesson.key}`)]).toMatchObject({ status: 'done', score: 100 })
    expect(a!.cells[col(`quiz:${quiz.key}`)]).toMatchObject({ status: 'done', score: 100, attempts: 2 })
    expect(a!.cells[col('lab:ha-setup/lb')]).toMatchObject({ status: 'done', score: 100 })
    expect(b!.cells[col(`lesson:${course.lessons[1]!.key}`)]).toMatchObject({ status: 'started', score: 0 })
    expect(b!.cells[col('lab:ha-setup/lb')]).toMatchObject({ status: 'started', attempts: 5 })
    // Default policy: lessons 10, quizzes 40, labs 50.
    expect(a!.categories.labs).toBeCloseTo((10 / 30) * 100, 0)
    expect(a!.final).toBeGreaterThan(b!.final)

    const matrix = buildProgressMatrix(progress, parseMatrixQuery({ flag: 'stuck' }))
    expect(matrix.rows.map((r) => r.name)).toEqual(['Bob'])
    const sorted = buildProgressMatrix(
      progress,
      parseMatrixQuery({ sort: 'grade', dir: 'desc', group: 'labs' }),
    )
    expect(sorted.rows.map((r) => r.name)).toEqual(['=Ada "Formula"', 'Bob'])
    expect(sorted.items.map((i) => i.key)).toEqual(['lab:ha-setup/lb', 'lab:ha-setup/replica'])
    expect(sorted.summary[0]).toEqual({ completion: 50, medianScore: 50 })

    const csv = gradebookCsv(progress)
    expect(csv.startsWith('\uFEFF"Name","Email"')).toBe(true)
    expect(csv).toContain(`"'=Ada ""Formula""","${ada.email}"`)
    expect(csv.split('\r\n')).toHaveLength(4)
    const json = gradebookJson(progress)
    expect(json.learners[0]!.items[`quiz:${quiz.key}`]).toMatchObject({ score: 100, status: 'done' })
    expect(JSON.stringify(json)).not.toContain(outsider.id)

    // Another instructor cannot load this cohort.
    const stranger = await newUser('instructor')
    await expect(loadCohortProgress({ actor: stranger, cohortId, labCatalog })).rejects.toMatchObject({
      code: 'forbidden',
    })
    await expect(loadCohortProgress({ actor: ada, cohortId, labCatalog })).rejects.toMatchObject({
      code: 'forbidden',
    })
  })

  it('records audited overrides, applies the policy, and refuses instructors of other cohorts', async () => {
    const teacher = await newUser('instructor')
    const stranger = await newUser('instructor')
    const learner = await newUser()
    const cohortId = await cohortWith(teacher, [learner])

    await expect(
      setGradeOverride({
        actor: stranger,
        userId: learner.id,
        courseSlug: COURSE,
        itemKey: 'final',
        percent: 90,
        reason: 'nope',
      }),
    ).rejects.toMatchObject({ code: 'forbidden' })
    await expect(
      setGradeOverride({
        actor: teacher,
        userId: learner.id,
        courseSlug: COURSE,
        itemKey: 'quiz:nope/nope',
        percent: 90,
        reason: 'typo',
      }),
    ).rejects.toMatchObject({ code: 'invalid' })
    await setGradeOverride({
      actor: teacher,
      userId: learner.id,
      courseSlug: COURSE,
      itemKey: 'final',
      percent: 70,
      reason: 'first look',
    })
    await setGradeOverride({
      actor: teacher,
      userId: learner.id,
      courseSlug: COURSE,
      itemKey: 'final',
      percent: 85,
      reason: 'capstone reviewed',
    })
    const progress = await loadCohortProgress({ actor: teacher, cohortId, labCatalog })
    expect(progress.learners[0]).toMatchObject({ final: 85, finalOverridden: true })
    const audit = await db().auditEvent.findMany({
      where: { targetUserId: learner.id, action: 'grade.override' },
      select: { actorId: true, details: true },
    })
    expect(audit).toHaveLength(2)
    expect(audit.every((e) => e.actorId === teacher.id)).toBe(true)

    await expect(
      setGradingPolicy({
        actor: teacher,
        cohortId,
        policy: { lessonWeight: 50, quizWeight: 50, labWeight: 10, partialCredit: true },
      }),
    ).rejects.toThrow(/add up to 100 \(they add up to 110\)/)
    await expect(
      setGradingPolicy({
        actor: learner,
        cohortId,
        policy: { lessonWeight: 20, quizWeight: 30, labWeight: 50, partialCredit: true },
      }),
    ).rejects.toMatchObject({ code: 'forbidden' })
    await setGradingPolicy({
      actor: teacher,
      cohortId,
      policy: { lessonWeight: 20, quizWeight: 30, labWeight: 50, partialCredit: false },
    })
    expect(await getGradingPolicy({ courseSlug: COURSE, cohortId })).toMatchObject({
      lessonWeight: 20,
      quizWeight: 30,
      labWeight: 50,
      partialCredit: false,
      cohortId,
    })

    const activity = await loadLearnerActivity({ actor: teacher, learnerId: learner.id })
    expect(activity.courseSlugs).toEqual([COURSE])
    await expect(loadLearnerActivity({ actor: stranger, learnerId: learner.id })).rejects.toMatchObject({
      code: 'forbidden',
    })
    await expect(
      loadLearnerGrade({ actor: stranger, userId: learner.id, courseSlug: COURSE }),
    ).rejects.toMatchObject({ code: 'forbidden' })
  })

  it('summarises where a cohort gets stuck in the labs', async () => {
    const teacher = await newUser('instructor')
    const [a, b] = [await newUser(), await newUser()]
    const cohortId = await cohortWith(teacher, [a, b])
    const t0 = new Date(Date.now() - 30 * 60_000)
    await db().labStepResult.createMany({
      data: [
        {
          userId: a.id,
          labSlug: 'ha-setup',
          stepId: 'lb',
          attempts: 3,
          firstTriedAt: t0,
          passedAt: new Date(t0.getTime() + 10 * 60_000),
          points: 10,
        },
        { userId: b.id, labSlug: 'ha-setup', stepId: 'lb', attempts: 2, firstTriedAt: t0 },
      ],
    })
    const session = await db().labSession.create({
      data: { userId: a.id, labSlug: 'ha-setup', status: 'ready' },
      select: { id: true },
    })
    const sessionB = await db().labSession.create({
      data: { userId: b.id, labSlug: 'ha-setup', status: 'ready' },
      select: { id: true },
    })
    const run = (userId: string, sessionId: string, passed: boolean, failMessages: string[]) => ({
      sessionId,
      userId,
      actorId: userId,
      labSlug: 'ha-setup',
      stepId: 'lb',
      kind: 'check',
      passed,
      durationMs: 900,
      output: failMessages.map((m) => `FAIL: ${m}`).join('\n'),
      failMessages,
      hints: [],
    })
    await db().checkRun.createMany({
      data: [
        run(a.id, session.id, false, ['haproxy is not listening on :80']),
        run(a.id, session.id, false, ['haproxy is not listening on :80', 'backend app2 is DOWN']),
        run(a.id, session.id, true, []),
        run(b.id, sessionB.id, false, ['haproxy is not listening on :80']),
        run(b.id, sessionB.id, false, ['backend app2 is DOWN']),
      ],
    })
    const steps = await loadLabAnalyticsWith(teacher, cohortId)
    expect(steps[0]).toMatchObject({
      stepId: 'lb',
      learnersTried: 2,
      learnersPassed: 1,
      medianAttemptsToPass: 3,
      failureRate: 80,
      checkRuns: 5,
      medianMinutesToPass: 10,
      topFailMessages: [
        { message: 'haproxy is not listening on :80', count: 3 },
        { message: 'backend app2 is DOWN', count: 2 },
      ],
    })
    const activity = await loadLearnerActivity({ actor: teacher, learnerId: a.id })
    expect(activity.events.filter((e) => e.kind === 'check-run')).toHaveLength(3)
  })
})

// The analytics read the installed labs; with none installed yet, pass the test catalog.
async function loadLabAnalyticsWith(actor: CurrentUser, cohortId: string) {
  return loadLabAnalytics({ actor, cohortId, labCatalog })
}

describe('grading API tokens', () => {
  it('authenticates by hash, records last use, and stops working when revoked or the owner is demoted', async () => {
    const teacher = await newUser('instructor')
    const { id, token } = await createApiToken({ actor: teacher, name: 'CI' })
    expect(token).toMatch(/^hxa_[A-Za-z0-9_-]{43}$/)
    const stored = await db().apiToken.findUniqueOrThrow({ where: { id }, select: { tokenHash: true } })
    expect(stored.tokenHash).not.toContain(token.slice(4))
    expect(await authenticateApiToken(`Bearer ${token}`)).toMatchObject({
      status: 'ok',
      actor: { id: teacher.id },
    })
    expect(
      (await db().apiToken.findUniqueOrThrow({ where: { id }, select: { lastUsedAt: true } })).lastUsedAt,
    ).not.toBeNull()
    expect(await authenticateApiToken(null)).toEqual({ status: 'missing' })
    expect(await authenticateApiToken(`Bearer ${token}x`)).toEqual({ status: 'invalid' })

    await db().user.update({ where: { id: teacher.id }, data: { role: 'learner' } })
    expect(await authenticateApiToken(`Bearer ${token}`)).toMatchObject({ status: 'not-staff', tokenId: id })
    await db().user.update({ where: { id: teacher.id }, data: { role: 'instructor' } })

    const other = await newUser('instructor')
    await expect(revokeApiToken({ actor: other, tokenId: id })).rejects.toMatchObject({ code: 'not-found' })
    await revokeApiToken({ actor: teacher, tokenId: id })
    expect(await authenticateApiToken(`Bearer ${token}`)).toMatchObject({ status: 'revoked', tokenId: id })
    await expect(createApiToken({ actor: await newUser(), name: 'x' })).rejects.toMatchObject({
      code: 'forbidden',
    })
  })
})

describe('certificates', () => {
  it('are issued only when every item is done, once, and anyone can verify them', async () => {
    const course = (await getCourse(COURSE))!
    const learner = await newUser('learner', 'Grace Hopper')
    expect(await issueCertificateIfComplete({ user: learner, courseSlug: COURSE })).toMatchObject({
      status: 'incomplete',
    })
    await db().lessonProgress.createMany({
      data: course.lessons.map((l) => ({
        userId: learner.id,
        lessonKey: l.key,
        earnedAt: new Date(),
        earnedBy: 'read',
      })),
    })
    await db().quizAttempt.createMany({
      data: course.modules.map((m) => ({
        userId: learner.id,
        quizKey: m.quiz.key,
        answers: {},
        correct: m.quiz.questions.length,
        total: m.quiz.questions.length,
        passed: true,
      })),
    })
    // Lessons and quizzes alone are not enough while labs are installed: every lab step counts.
    const { labs } = await readGradedLabs()
    const steps = labs.flatMap((lab) => lab.steps.map((step) => ({ lab, step })))
    if (steps.length > 0) {
      const before = await issueCertificateIfComplete({ user: learner, courseSlug: COURSE })
      expect(before).toEqual({ status: 'incomplete', remaining: steps.length })
      await db().labStepResult.createMany({
        data: steps.map(({ lab, step }) => ({
          userId: learner.id,
          labSlug: lab.slug,
          stepId: step.id,
          attempts: 1,
          passedAt: new Date(),
          points: step.points,
        })),
      })
    }
    const issued = await issueCertificateIfComplete({ user: learner, courseSlug: COURSE })
    expect(issued).toMatchObject({ status: 'issued' })
    if (issued.status === 'incomplete') throw new Error('not issued')
    expect(issued.id).toMatch(/^HXA-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/)
    expect(await issueCertificateIfComplete({ user: learner, courseSlug: COURSE })).toMatchObject({
      status: 'exists',
      id: issued.id,
    })
    expect(await verifyCertificate({ id: issued.id.toLowerCase() })).toMatchObject({
      learnerName: learner.name,
      courseTitle: course.title,
    })
    expect(await verifyCertificate({ id: 'HXA-NOPE-NOPE-NOPE' })).toBeNull()
  })
})

// Attacks on lab checks (issue 11, item 8): many checks at once, checking as fast as possible,
// and re-sending a Check to get a second attempt. Against the real test database and a REAL
// lab-runner (in-process, real Docker, the sample fixture lab), as server/labs/lab-data.test.ts.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SandboxRegistry } from '@/lab-runner/src/sandboxes/sandbox-registry'
import { startInProcessRunner, type InProcessRunner } from '@/tests/support/in-process-runner'
import { checkLimits } from '@/config/check-limits'
import type { db } from '@/server/db'
import type { AppError } from '@/server/errors'
import type { runCheck } from '@/server/labs/run-check'
import type { endLab } from '@/server/labs/sandbox-actions'
import type { startLab } from '@/server/labs/start-lab'

const LAB = 'sample'
const STEP = 'hello'

let runner: InProcessRunner
let registry: SandboxRegistry
let m: { db: typeof db; runCheck: typeof runCheck; startLab: typeof startLab; endLab: typeof endLab }

async function readyLearner(): Promise<{ id: string }> {
  const id = randomUUID()
  await m
    .db()
    .user.create({ data: { id, name: 'Checker', email: `checks-${id}@example.test` }, select: { id: true } })
  const started = await m.startLab({ user: { id, role: 'learner' }, labSlug: LAB })
  if (started.status === 'queued') throw new Error('unexpectedly queued')
  await registry.whenSettled(started.sandboxId)
  return { id }
}

async function standing(userId: string) {
  const step = await m.db().labStepResult.findUnique({
    where: { userId_labSlug_stepId: { userId, labSlug: LAB, stepId: STEP } },
    select: { attempts: true, points: true, passedAt: true },
  })
  const runs = await m.db().checkRun.count({ where: { userId } })
  return { attempts: step?.attempts ?? 0, points: step?.points ?? 0, runs }
}

async function audited(userId: string, action: string) {
  return m.db().auditEvent.findMany({ where: { targetUserId: userId, action }, select: { details: true } })
}

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const outcome = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  if (!outcome || (outcome as Error).name !== 'AppError')
    throw new Error(`expected a refusal, got ${String(outcome)}`)
  return outcome as AppError
}

beforeAll(async () => {
  runner = await startInProcessRunner({ name: 'adv-checks' })
  registry = runner.registry
  m = {
    db: (await import('@/server/db')).db,
    runCheck: (await import('@/server/labs/run-check')).runCheck,
    startLab: (await import('@/server/labs/start-lab')).startLab,
    endLab: (await import('@/server/labs/sandbox-actions')).endLab,
  }
})

afterAll(async () => {
  await runner?.stop()
})

describe('adversarial: lab checks', () => {
  it('a re-sent Check (same key) returns the first result and is never a second attempt', async () => {
    const user = await readyLearner()
    const requestKey = randomUUID()
    // The second request arrives while the first is still running, the third after it finished.
    const [first, second] = await Promise.all([
      m.runCheck({ user, labSlug: LAB, stepId: STEP, requestKey }),
      new Promise((resolve) => setTimeout(resolve, 20)).then(() =>
        m.runCheck({ user, labSlug: LAB, stepId: STEP, requestKey }),
      ),
    ])
    const third = await m.runCheck({ user, labSlug: LAB, stepId: STEP, requestKey })
    expect(first).toMatchObject({ passed: false, attempts: 1 })
    expect(second).toEqual({ ...first, repeated: true })
    expect(third).toEqual({ ...first, repeated: true })
    expect(await standing(user.id)).toEqual({ attempts: 1, points: 0, runs: 1 })
    expect(await audited(user.id, 'lab.check.repeat')).toHaveLength(2)
    await m.endLab({ user, labSlug: LAB })
  }, 120_000)

  it('a second check while one is running (in any web process) is refused and audited', async () => {
    const user = await readyLearner()
    // Another process holds this learner's check lock (a row in the database).
    await m.db().checkLock.create({
      data: {
        userId: user.id,
        requestKey: 'other-process-key',
        labSlug: LAB,
        stepId: STEP,
        expiresAt: new Date(Date.now() + 60_000),
      },
    })
    const error = await refusal(m.runCheck({ user, labSlug: LAB, stepId: STEP, requestKey: randomUUID() }))
    expect(error.status).toBe(409)
    expect(error.message).toContain('Another check of yours is still running')
    expect(await standing(user.id)).toEqual({ attempts: 0, points: 0, runs: 0 })
    expect(await audited(user.id, 'lab.check.refused')).toMatchObject([
      { details: { reason: 'another-check-running' } },
    ])

    // A lock left by a process that died expires; then checks run again.
    await m
      .db()
      .checkLock.update({ where: { userId: user.id }, data: { expiresAt: new Date(Date.now() - 1000) } })
    expect(await m.runCheck({ user, labSlug: LAB, stepId: STEP, requestKey: randomUUID() })).toMatchObject({
      attempts: 1,
    })
    expect(await m.db().checkLock.count({ where: { userId: user.id } })).toBe(0)

    // Two presses at once from two tabs: one runs, the other is refused.
    const both = await Promise.allSettled([
      m.runCheck({ user, labSlug: LAB, stepId: STEP, requestKey: randomUUID() }),
      m.runCheck({ user, labSlug: LAB, stepId: STEP, requestKey: randomUUID() }),
    ])
    expect(both.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected'])
    expect(await standing(user.id)).toEqual({ attempts: 2, points: 0, runs: 2 })
    await m.endLab({ user, labSlug: LAB })
  }, 120_000)

  it('checking a step more than the limit allows is refused with the time to wait, and audited', async () => {
    const user = await readyLearner()
    for (let i = 0; i < checkLimits.perStep; i += 1) {
      await m.runCheck({ user, labSlug: LAB, stepId: STEP, requestKey: randomUUID() })
    }
    const error = await refusal(m.runCheck({ user, labSlug: LAB, stepId: STEP, requestKey: randomUUID() }))
    expect(error.status).toBe(429)
    expect(error.retryAfterSeconds).toBeGreaterThan(0)
    expect(error.retryAfterSeconds).toBeLessThanOrEqual(checkLimits.windowSeconds)
    expect(error.message).toContain(`you can check again in ${error.retryAfterSeconds} s`)
    expect(await standing(user.id)).toEqual({
      attempts: checkLimits.perStep,
      points: 0,
      runs: checkLimits.perStep,
    })
    expect(await audited(user.id, 'lab.check.refused')).toMatchObject([
      { details: { reason: 'rate-limited' } },
    ])
    await m.endLab({ user, labSlug: LAB })
  }, 180_000)
})

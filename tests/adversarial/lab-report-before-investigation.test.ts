// Attack (issue 11): check the 40-point incident report before doing any investigation step.
// The web app refuses before the runner is asked: no check runs, no attempt, no points.
import { randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { db } from '@/server/db'
import { AppError } from '@/server/errors'
import { runCheck } from '@/server/labs/run-check'

let userId: string

beforeAll(async () => {
  userId = randomUUID()
  await db().user.create({
    data: { id: userId, name: 'Shortcut Sam', email: `adv-${userId}@example.test` },
    select: { id: true },
  })
  // A live sandbox for the lab (the runner is not needed: the refusal comes first).
  await db().labSession.create({
    data: { userId, labSlug: 'incident-simulation', sandboxId: `sbx-${randomUUID()}`, status: 'ready' },
    select: { id: true },
  })
})

describe('adversarial: a lab step checked before the steps whose evidence it judges', () => {
  it('refuses the incident report until the three fixes passed in this sandbox, and gains nothing', async () => {
    const attempt = runCheck({
      user: { id: userId },
      labSlug: 'incident-simulation',
      stepId: 'incident-report',
    })
    await expect(attempt).rejects.toBeInstanceOf(AppError)
    await expect(attempt).rejects.toMatchObject({ code: 'conflict', status: 409 })
    await expect(attempt).rejects.toThrow(
      /Triage, then fix the rate-limited provider.*Rotate the revoked API key.*Route around the degraded provider/,
    )
    const where = { userId, labSlug: 'incident-simulation' }
    expect(await db().checkRun.count({ where })).toBe(0)
    expect(await db().labStepResult.findMany({ where, select: { stepId: true, points: true } })).toEqual([])
  })
})

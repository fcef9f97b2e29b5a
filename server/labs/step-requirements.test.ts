// `requires:` against the real test database: a required step counts only with a passing check
// in the learner's current session (sandbox).
import { randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { db } from '@/server/db'
import { AppError } from '@/server/errors'
import type { LabInfo } from './list-labs'
import { requireEarlierSteps, unmetRequirements } from './step-requirements'

const step = (id: string, title: string, requires: string[] = []) => ({
  id,
  title,
  points: 10,
  instructionsFile: `/labs/demo/${id}.mdx`,
  hints: [],
  requires,
})
const lab = {
  slug: 'demo',
  steps: [
    step('fix', 'Fix it'),
    step('rotate', 'Rotate the key'),
    step('report', 'Write the report', ['fix', 'rotate']),
  ],
} as unknown as LabInfo

let userId: string
let oldSession: string
let session: string

async function checkRun(sessionId: string, stepId: string, passed: boolean) {
  await db().checkRun.create({
    data: {
      sessionId,
      userId,
      actorId: userId,
      labSlug: 'demo',
      stepId,
      kind: 'check',
      passed,
      durationMs: 5,
      output: '',
      failMessages: [],
      hints: [],
    },
    select: { id: true },
  })
}

beforeAll(async () => {
  userId = randomUUID()
  await db().user.create({
    data: { id: userId, name: 'Learner', email: `req-${userId}@example.test` },
    select: { id: true },
  })
  const make = async (status: string) =>
    (
      await db().labSession.create({
        data: { userId, labSlug: 'demo', sandboxId: randomUUID(), status },
        select: { id: true },
      })
    ).id
  oldSession = await make('ended')
  session = await make('ready')
})

describe('required steps', () => {
  it('needs nothing for a step without requires', async () => {
    await expect(unmetRequirements(lab, 'fix', session)).resolves.toEqual([])
  })

  it('does not count a failed check, or a pass in an earlier sandbox', async () => {
    await checkRun(oldSession, 'fix', true)
    await checkRun(oldSession, 'rotate', true)
    await checkRun(session, 'fix', false)
    await expect(unmetRequirements(lab, 'report', session)).resolves.toEqual([
      { id: 'fix', title: 'Fix it' },
      { id: 'rotate', title: 'Rotate the key' },
    ])
    const refused = requireEarlierSteps(lab, 'report', session)
    await expect(refused).rejects.toBeInstanceOf(AppError)
    await expect(refused).rejects.toThrow('"Fix it", "Rotate the key" passed in this sandbox first')
  })

  it('lets the check run once every required step passed in this sandbox', async () => {
    await checkRun(session, 'fix', true)
    await expect(unmetRequirements(lab, 'report', session)).resolves.toEqual([
      { id: 'rotate', title: 'Rotate the key' },
    ])
    await checkRun(session, 'rotate', true)
    await expect(requireEarlierSteps(lab, 'report', session)).resolves.toBeUndefined()
  })
})

// Red team, issue 12 gap 5 (capacity side): one account cannot take more than its share of the
// sandbox pool by starting every lab at once. The web app's real startLab against a REAL
// lab-runner (in-process HTTP server on loopback, real Docker engine) with two copies of the
// tiny fixture lab.
import { randomUUID } from 'node:crypto'
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SandboxRegistry } from '@/lab-runner/src/sandboxes/sandbox-registry'
import { startInProcessRunner, type InProcessRunner } from '@/tests/support/in-process-runner'
import type { db as dbFn } from '@/server/db'
import type { endLab as endLabFn } from '@/server/labs/sandbox-actions'
import type { startLab as startLabFn } from '@/server/labs/start-lab'

const fixture = path.resolve(import.meta.dirname, '../../lab-runner/test-fixtures/labs/sample')

let labsDir: string
let registry: SandboxRegistry
let runner: InProcessRunner
let m: { db: typeof dbFn; startLab: typeof startLabFn; endLab: typeof endLabFn }

async function newLearner() {
  const id = randomUUID()
  await m.db().user.create({ data: { id, name: 'Greedy', email: `greedy-${id}@example.test` } })
  return { id, role: 'learner' as const }
}

async function startSettled(user: { id: string; role: 'learner' }, labSlug: string) {
  const started = await m.startLab({ user, labSlug })
  if (started.status === 'queued') throw new Error('unexpectedly queued')
  await registry.whenSettled(started.sandboxId)
  return started.sandboxId
}

beforeAll(async () => {
  // Two labs: the fixture and a copy under another slug. Bind-mount paths stay inside this folder.
  labsDir = mkdtempSync(path.join(os.tmpdir(), 'redteam-labs-'))
  cpSync(fixture, path.join(labsDir, 'sample'), { recursive: true })
  cpSync(fixture, path.join(labsDir, 'sample-two'), { recursive: true })
  const copy = path.join(labsDir, 'sample-two/lab.yaml')
  writeFileSync(
    copy,
    readFileSync(copy, 'utf8')
      .replace('slug: sample', 'slug: sample-two')
      .replace('title: Sample lab', 'title: Second lab'),
  )
  runner = await startInProcessRunner({ name: 'redteam', labsDir, maxSandboxes: 6 })
  registry = runner.registry
  m = {
    db: (await import('@/server/db')).db,
    startLab: (await import('@/server/labs/start-lab')).startLab,
    endLab: (await import('@/server/labs/sandbox-actions')).endLab,
  }
})

afterAll(async () => {
  await runner?.stop()
  if (labsDir) rmSync(labsDir, { recursive: true, force: true })
})

describe('live labs per user (default 1)', () => {
  it('refuses a second lab while one runs, naming it and how to end it; allows it after End', async () => {
    const greedy = await newLearner()
    await startSettled(greedy, 'sample')
    const before = registry.list().length

    const refused = m.startLab({ user: greedy, labSlug: 'sample-two' })
    await expect(refused).rejects.toMatchObject({ status: 409 })
    await expect(refused).rejects.toThrow(/one lab at a time.*"Sample lab" \(\/labs\/sample\).*press End/)
    // Refused before the runner was asked: no sandbox was created or queued.
    expect(registry.list()).toHaveLength(before)

    // The same lab again is the same sandbox, not a second one.
    const again = await m.startLab({ user: greedy, labSlug: 'sample' })
    expect(registry.list()).toHaveLength(before)
    expect(again.status).not.toBe('queued')

    // Another learner is not affected by the first one's sandbox.
    await startSettled(await newLearner(), 'sample-two')

    await m.endLab({ user: greedy, labSlug: 'sample' })
    await startSettled(greedy, 'sample-two')
    // Three sandbox starts and an End: more than the default 30 s on a busy 2-core machine.
  }, 120_000)

  it('does not count a sandbox the runner has already reaped', async () => {
    const learner = await newLearner()
    const sandboxId = await startSettled(learner, 'sample')
    // Reaped behind the web app's back (time limit, runner restart): the session still says ready.
    await registry.delete(sandboxId)
    await startSettled(learner, 'sample-two')
    const stale = await m.db().labSession.findFirstOrThrow({ where: { sandboxId }, select: { status: true } })
    expect(stale.status).toBe('expired')
  })
})

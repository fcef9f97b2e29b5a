// The lab data functions against the real test database and a REAL lab-runner (in-process
// HTTP server on a free port, real Docker engine, the sample fixture lab).
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SandboxRegistry } from '@/lab-runner/src/sandboxes/sandbox-registry'
import { startInProcessRunner, type InProcessRunner } from '@/tests/support/in-process-runner'
import { connectTerminal } from '@/lab-runner/src/terminal/test-support/terminal-client'
import type { db } from '@/server/db'
import type { getLabState } from './get-lab-state'
import type { listLabFiles, readLabFile, saveLabFile } from './lab-files'
import type { listLabs } from './list-labs'
import type { mintTerminalTicket } from './mint-terminal-ticket'
import type { runCheck } from './run-check'
import type { endLab, extendLab, keepLab } from './sandbox-actions'
import type { startLab } from './start-lab'

let runner: InProcessRunner
let registry: SandboxRegistry
let runnerBase: string

// The web app's configuration is read once per test file, on first use: the modules are
// imported (below, in beforeAll) only after the runner's address is in the environment.
type LabModules = {
  db: typeof db
  startLab: typeof startLab
  getLabState: typeof getLabState
  runCheck: typeof runCheck
  mintTerminalTicket: typeof mintTerminalTicket
  listLabFiles: typeof listLabFiles
  readLabFile: typeof readLabFile
  saveLabFile: typeof saveLabFile
  endLab: typeof endLab
  extendLab: typeof extendLab
  keepLab: typeof keepLab
  listLabs: typeof listLabs
}
let m: LabModules

async function newUser(): Promise<{ id: string; role: 'learner' }> {
  const id = randomUUID()
  await m
    .db()
    .user.create({ data: { id, name: 'Lab learner', email: `lab-${id}@example.test` }, select: { id: true } })
  return { id, role: 'learner' }
}

async function startReady(user: { id: string; role: 'learner' }): Promise<string> {
  const started = await m.startLab({ user, labSlug: 'sample' })
  if (started.status === 'queued') throw new Error('unexpectedly queued')
  await registry.whenSettled(started.sandboxId)
  const state = await m.getLabState({ user, labSlug: 'sample' })
  expect(state.sandbox?.state).toBe('ready')
  return started.sandboxId
}

beforeAll(async () => {
  runner = await startInProcessRunner({ name: 'web-labs' })
  registry = runner.registry
  runnerBase = runner.baseUrl
  m = {
    db: (await import('@/server/db')).db,
    startLab: (await import('./start-lab')).startLab,
    getLabState: (await import('./get-lab-state')).getLabState,
    runCheck: (await import('./run-check')).runCheck,
    mintTerminalTicket: (await import('./mint-terminal-ticket')).mintTerminalTicket,
    listLabFiles: (await import('./lab-files')).listLabFiles,
    readLabFile: (await import('./lab-files')).readLabFile,
    saveLabFile: (await import('./lab-files')).saveLabFile,
    endLab: (await import('./sandbox-actions')).endLab,
    extendLab: (await import('./sandbox-actions')).extendLab,
    keepLab: (await import('./sandbox-actions')).keepLab,
    listLabs: (await import('./list-labs')).listLabs,
  }
})

afterAll(async () => {
  await runner?.stop()
})

describe('lab data with the real runner', () => {
  it('lists the labs of LABS_DIR with their steps and points', async () => {
    const labs = await m.listLabs()
    expect(labs.map((l) => l.slug)).toEqual(['sample'])
    expect(labs[0]).toMatchObject({ title: 'Sample lab', shellHosts: ['workstation'], totalPoints: 10 })
  })

  it('records check runs, unlocks hints, keeps a passed step passed, awards points once', async () => {
    const user = await newUser()
    const sandboxId = await startReady(user)
    const session = await m
      .db()
      .labSession.findFirstOrThrow({ where: { userId: user.id, labSlug: 'sample' } })
    expect(session).toMatchObject({ sandboxId, status: 'ready' })

    // A second start reuses the same sandbox and session.
    expect(await m.startLab({ user, labSlug: 'sample' })).toMatchObject({ status: 'ready', sandboxId })
    expect(await m.db().labSession.count({ where: { userId: user.id } })).toBe(1)

    const fail = await m.runCheck({ user, labSlug: 'sample', stepId: 'hello' })
    expect(fail).toMatchObject({
      passed: false,
      fail: ['/tmp/hello does not contain hello'],
      hint: ['echo hello > /tmp/hello'],
      attempts: 1,
      stepPassed: false,
      pointsEarned: 0,
      // The lab's hint unlocks after one failed attempt.
      hints: ['Write hello into /tmp/hello.'],
    })

    await fetch(`${runnerBase}/v1/sandboxes/${sandboxId}/steps/hello/solve`, {
      method: 'POST',
      headers: { authorization: `Bearer ${runner.token}` },
    })
    const pass = await m.runCheck({ user, labSlug: 'sample', stepId: 'hello' })
    expect(pass).toMatchObject({
      passed: true,
      firstPass: true,
      attempts: 2,
      stepPassed: true,
      pointsEarned: 10,
    })

    // Break it again: the check fails, the step stays passed, points are not awarded twice.
    await m.saveLabFile({ user, labSlug: 'sample', host: 'workstation', path: '/etc/motd', content: 'x\n' })
    const ticket = await m.mintTerminalTicket({ user, labSlug: 'sample', host: 'workstation', mode: 'rw' })
    const terminal = await connectTerminal(runnerBase, {
      ticket: new URL(ticket.url).searchParams.get('ticket') ?? '',
    })
    if (!terminal.ok) throw new Error(`terminal refused: ${terminal.status}`)
    terminal.client.type('rm /tmp/hello; echo removed-$((1+1))\r')
    await terminal.client.waitForText('removed-2', 15_000)
    await terminal.client.close()
    const again = await m.runCheck({ user, labSlug: 'sample', stepId: 'hello' })
    expect(again).toMatchObject({
      passed: false,
      firstPass: false,
      stepPassed: true,
      pointsEarned: 10,
      attempts: 3,
    })

    const runs = await m.db().checkRun.findMany({
      where: { userId: user.id },
      orderBy: { createdAt: 'asc' },
      select: {
        passed: true,
        actorId: true,
        stepId: true,
        kind: true,
        failMessages: true,
        durationMs: true,
        sessionId: true,
      },
    })
    expect(runs.map((r) => r.passed)).toEqual([false, true, false])
    expect(runs[0]).toMatchObject({ actorId: user.id, stepId: 'hello', kind: 'check', sessionId: session.id })
    expect(runs[0]?.failMessages).toEqual(['/tmp/hello does not contain hello'])
    expect(runs.every((r) => r.durationMs >= 0)).toBe(true)

    const state = await m.getLabState({ user, labSlug: 'sample' })
    expect(state).toMatchObject({
      pointsEarned: 10,
      totalPoints: 10,
      steps: [{ id: 'hello', passed: true, attempts: 3 }],
    })
    // Both clocks, apart: the sample lab idles out after 10 minutes, its time limit is 30.
    expect(state.sandbox).toMatchObject({
      idleTimeoutS: 600,
      idleSecondsLeft: expect.any(Number),
      labSecondsLeft: expect.any(Number),
    })
    expect(state.sandbox!.idleSecondsLeft).toBeLessThanOrEqual(600)
    expect(state.sandbox!.labSecondsLeft).toBeGreaterThan(600)
    // "Keep my lab" answers with the idle clock started again.
    expect((await m.keepLab({ user, labSlug: 'sample' })).idleSecondsLeft).toBeGreaterThanOrEqual(599)

    await m.endLab({ user, labSlug: 'sample' })
    const ended = await m.getLabState({ user, labSlug: 'sample' })
    expect(ended).toMatchObject({
      sandbox: null,
      expired: false,
      pointsEarned: 10,
      steps: [{ passed: true }],
    })
  }, 120_000)

  it('edits only editable files, in the learner own sandbox', async () => {
    const user = await newUser()
    await startReady(user)
    const files = await m.listLabFiles({ user, labSlug: 'sample' })
    expect(files).toEqual([
      { host: 'workstation', path: '/etc/motd', language: 'plaintext', size: expect.any(Number) },
    ])
    expect(
      (await m.readLabFile({ user, labSlug: 'sample', host: 'workstation', path: '/etc/motd' })).content,
    ).toMatch(/^prepared for seed \d+\n$/)
    await m.saveLabFile({
      user,
      labSlug: 'sample',
      host: 'workstation',
      path: '/etc/motd',
      content: 'edited by the learner\n',
    })
    expect(
      (await m.readLabFile({ user, labSlug: 'sample', host: 'workstation', path: '/etc/motd' })).content,
    ).toBe('edited by the learner\n')
    await expect(
      m.readLabFile({ user, labSlug: 'sample', host: 'workstation', path: '/etc/passwd' }),
    ).rejects.toMatchObject({ code: 'forbidden' })
    await expect(
      m.saveLabFile({ user, labSlug: 'sample', host: 'db', path: '/etc/motd', content: 'nope' }),
    ).rejects.toMatchObject({ code: 'forbidden' })
    await m.endLab({ user, labSlug: 'sample' })
  }, 120_000)

  it('mints tickets only for the learner own sandbox and its shell hosts', async () => {
    const owner = await newUser()
    const other = await newUser()
    await startReady(owner)
    const ticket = await m.mintTerminalTicket({
      user: owner,
      labSlug: 'sample',
      host: 'workstation',
      mode: 'rw',
    })
    expect(ticket.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/terminal\?ticket=/)
    // Another learner has no session of their own, and cannot name the owner's sandbox.
    await expect(
      m.mintTerminalTicket({ user: other, labSlug: 'sample', host: 'workstation', mode: 'rw' }),
    ).rejects.toMatchObject({
      code: 'conflict',
    })
    await expect(m.runCheck({ user: other, labSlug: 'sample', stepId: 'hello' })).rejects.toMatchObject({
      code: 'conflict',
    })
    // `db` runs no shell for learners.
    await expect(
      m.mintTerminalTicket({ user: owner, labSlug: 'sample', host: 'db', mode: 'rw' }),
    ).rejects.toMatchObject({
      code: 'forbidden',
    })
    await m.endLab({ user: owner, labSlug: 'sample' })
  }, 120_000)

  it('tells the learner an expired sandbox expired, keeps results, and starts afresh', async () => {
    const user = await newUser()
    const first = await startReady(user)
    // The runner reaps it (as when its time runs out): it no longer knows the sandbox.
    await registry.delete(first)
    const state = await m.getLabState({ user, labSlug: 'sample' })
    expect(state).toMatchObject({ sandbox: null, expired: true })
    await expect(m.extendLab({ user, labSlug: 'sample' })).rejects.toMatchObject({ code: 'conflict' })
    const second = await startReady(user)
    expect(second).not.toBe(first)
    const sessions = await m.db().labSession.findMany({
      where: { userId: user.id },
      orderBy: { startedAt: 'asc' },
      select: { status: true },
    })
    expect(sessions.map((s) => s.status)).toEqual(['expired', 'ready'])
    expect((await m.getLabState({ user, labSlug: 'sample' })).expired).toBe(false)
    await m.endLab({ user, labSlug: 'sample' })
  }, 120_000)
})

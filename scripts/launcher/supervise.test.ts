// The supervisor against real child processes: tiny node scripts that crash, exit or run.
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  restartDelayMs,
  runningProcess,
  supervise,
  SupervisorGroup,
  defaultPolicy,
  type Supervised,
} from './supervise'

let dir: string
const started: Supervised[] = []

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'supervise-'))
})

afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop()))
  await rm(dir, { recursive: true, force: true })
})

/** A node script as a service; `script` runs with `log(line)` appending to <dir>/<name>.log. */
function nodeService(name: string, script: string, essential = false) {
  const file = path.join(dir, `${name}.log`)
  return {
    file,
    spec: {
      name,
      essential,
      start: () =>
        runningProcess(
          spawn(
            process.execPath,
            [
              '-e',
              `const log = (l) => require('fs').appendFileSync(${JSON.stringify(file)}, l + '\\n'); ${script}`,
            ],
            { stdio: 'ignore' },
          ),
          2000,
        ),
    },
  }
}

async function lines(file: string): Promise<string[]> {
  return (await readFile(file, 'utf8').catch(() => '')).split('\n').filter(Boolean)
}

async function waitFor<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await read()
    if (ok(value)) return value
    if (Date.now() > deadline) throw new Error(`timed out; last value ${JSON.stringify(value)}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

const fast = { initialDelayMs: 50, maxDelayMs: 400, maxCrashes: 3, windowMs: 10_000, stableAfterMs: 5_000 }

describe('supervise', () => {
  it('doubles the delay after each crash up to the maximum', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => restartDelayMs(defaultPolicy, n))).toEqual([
      1000, 2000, 4000, 8000, 16_000, 30_000, 30_000,
    ])
  })

  it('restarts a process that is killed with SIGKILL', async () => {
    const { spec, file } = nodeService('web', `log('up ' + process.pid); setInterval(() => {}, 1000)`)
    const service = supervise(spec, { policy: fast, log: () => {} })
    started.push(service)
    const [first] = await waitFor(
      () => lines(file),
      (l) => l.length === 1,
    )
    process.kill(Number(first!.split(' ')[1]), 'SIGKILL')
    const after = await waitFor(
      () => lines(file),
      (l) => l.length === 2,
    )
    expect(after[1]).not.toEqual(after[0])
    expect(service.state()).toBe('running')
    expect(service.restarts()).toBe(1)
  })

  it('gives up after a crash loop with a message naming the service, and leaves the others running', async () => {
    const crashing = nodeService('the lab-runner', `log('up'); process.exit(3)`)
    const steady = nodeService('the web app', `log('up'); setInterval(() => {}, 1000)`)
    const messages: string[] = []
    let gaveUp = ''
    const a = supervise(crashing.spec, {
      policy: fast,
      log: (l) => messages.push(l),
      onGiveUp: (m) => (gaveUp = m),
    })
    const b = supervise(steady.spec, { policy: fast, log: () => {} })
    started.push(a, b)
    await waitFor(
      async () => a.state(),
      (s) => s === 'given-up',
    )
    // First start plus maxCrashes restarts, then no more.
    expect(await lines(crashing.file)).toHaveLength(fast.maxCrashes + 1)
    expect(gaveUp).toMatch(
      /^Error: the lab-runner exited with code 3 and has crashed 4 times in 10 s; giving up/,
    )
    expect(
      messages.filter((m) => m.startsWith('Warning: the lab-runner exited with code 3; restarting')),
    ).toHaveLength(3)
    await new Promise((r) => setTimeout(r, 300))
    expect(await lines(crashing.file)).toHaveLength(fast.maxCrashes + 1)
    expect(b.state()).toBe('running')
    expect(await lines(steady.file)).toEqual(['up'])
  })

  it('counts a start that throws as a crash and retries it', async () => {
    let attempts = 0
    const { spec, file } = nodeService('db', `log('up'); setInterval(() => {}, 1000)`)
    const service = supervise(
      {
        ...spec,
        start: () => {
          attempts += 1
          if (attempts < 3) throw new Error('port in use')
          return spec.start()
        },
      },
      { policy: fast, log: () => {} },
    )
    started.push(service)
    await waitFor(
      () => lines(file),
      (l) => l.length === 1,
    )
    expect(attempts).toBe(3)
    expect(service.state()).toBe('running')
  })

  it('does not restart a process it was asked to stop, and escalates to SIGKILL when SIGTERM is ignored', async () => {
    const { spec, file } = nodeService(
      'stubborn',
      `process.on('SIGTERM', () => log('ignored SIGTERM')); log('up'); setInterval(() => {}, 1000)`,
    )
    const service = supervise(spec, { policy: fast, log: () => {} })
    await waitFor(
      () => lines(file),
      (l) => l.length === 1,
    )
    const t0 = Date.now()
    await service.stop()
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1900)
    expect(service.state()).toBe('stopped')
    await new Promise((r) => setTimeout(r, 300))
    expect(await lines(file)).toEqual(['up', 'ignored SIGTERM'])
  })

  it('stops a group in reverse start order, each after the one before has ended', async () => {
    const order = path.join(dir, 'order.log')
    const make = (name: string) =>
      nodeService(
        name,
        `log('up'); process.on('SIGTERM', () => { setTimeout(() => { require('fs').appendFileSync(${JSON.stringify(order)}, '${name}\\n'); process.exit(0) }, 150) }); setInterval(() => {}, 1000)`,
      )
    const group = new SupervisorGroup()
    const services = ['db', 'runner', 'web'].map((name) => {
      const s = make(name)
      return { file: s.file, service: group.add(supervise(s.spec, { policy: fast, log: () => {} })) }
    })
    for (const { file } of services)
      await waitFor(
        () => lines(file),
        (l) => l.length === 1,
      )
    await group.stopAll()
    expect(await lines(order)).toEqual(['web', 'runner', 'db'])
    expect(services.map(({ service }) => service.state())).toEqual(['stopped', 'stopped', 'stopped'])
  })

  it('restarts none of a group whose processes all exit at once during shutdown', async () => {
    const group = new SupervisorGroup()
    const slow = nodeService(
      'web',
      `log('up'); process.on('SIGTERM', () => setTimeout(() => process.exit(0), 600)); setInterval(() => {}, 1000)`,
    )
    const quick = nodeService('runner', `log('up ' + process.pid); setInterval(() => {}, 1000)`)
    const runner = group.add(supervise(quick.spec, { policy: fast, log: () => {} }))
    group.add(supervise(slow.spec, { policy: fast, log: () => {} }))
    const [line] = await waitFor(
      () => lines(quick.file),
      (l) => l.length === 1,
    )
    await waitFor(
      () => lines(slow.file),
      (l) => l.length === 1,
    )
    const stopping = group.stopAll()
    // As a SIGTERM to the process group would: the runner ends while the web app still stops.
    process.kill(Number(line!.split(' ')[1]), 'SIGTERM')
    await stopping
    await new Promise((r) => setTimeout(r, 300))
    expect(await lines(quick.file)).toHaveLength(1)
    expect(runner.restarts()).toBe(0)
  })

  it('restarts a process that exits on its own with code 0', async () => {
    const { spec, file } = nodeService('worker', `log('up'); setTimeout(() => process.exit(0), 50)`)
    const service = supervise(spec, { policy: { ...fast, maxCrashes: 10 }, log: () => {} })
    started.push(service)
    await waitFor(
      () => lines(file),
      (l) => l.length >= 3,
    )
  })
})

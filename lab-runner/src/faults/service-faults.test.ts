import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestSandbox, ensureTestImage, type TestSandbox } from '../terminal/test-support/test-sandbox'
import { execFileSync } from 'node:child_process'
import {
  isolateHost,
  killService,
  pauseService,
  restartService,
  restoreHost,
  stopService,
  unpauseService,
} from './service-faults'

let sandbox: TestSandbox

beforeAll(async () => {
  ensureTestImage()
  sandbox = await createTestSandbox([
    'client',
    { name: 'server', cmd: ['busybox', 'httpd', '-f', '-p', '8080', '-h', '/tmp'] },
  ])
})
afterAll(async () => {
  await sandbox?.remove()
})

/** Opens a TCP connection from the client container to `address`:8080; true when it connects. */
function probe(address: string): boolean {
  try {
    execFileSync(
      'docker',
      [
        'exec',
        sandbox.hosts.client!.containerId,
        'timeout',
        '2',
        'bash',
        '-c',
        `exec 3<>/dev/tcp/${address}/8080`,
      ],
      { stdio: 'ignore' },
    )
    return true
  } catch {
    return false
  }
}

async function eventually(test: () => boolean, timeoutMs = 5_000): Promise<boolean> {
  const until = Date.now() + timeoutMs
  while (Date.now() < until) {
    if (test()) return true
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return test()
}

const target = (host = 'server') => ({ docker: sandbox.docker, sandbox, host })

describe('service faults', () => {
  it('stops and restarts a service', async () => {
    expect(await eventually(() => probe('server'))).toBe(true)
    expect(await stopService({ ...target(), timeoutS: 1 })).toMatchObject({
      status: 'done',
      changed: true,
      state: 'exited',
    })
    expect(probe('server')).toBe(false)
    expect(await stopService(target())).toMatchObject({ status: 'done', changed: false })
    expect(await restartService(target())).toMatchObject({ status: 'done', state: 'running' })
    expect(await eventually(() => probe('server'))).toBe(true)
  })

  it('kills a service, and refuses to kill one that is not running', async () => {
    expect(await killService(target())).toMatchObject({ status: 'done', changed: true, state: 'exited' })
    expect(await killService(target())).toMatchObject({
      status: 'refused',
      code: 'invalid-state',
      message: expect.stringContaining('exited'),
    })
    expect(await restartService(target())).toMatchObject({ status: 'done', state: 'running' })
  })

  it('pauses and unpauses a service', async () => {
    expect(await pauseService(target())).toMatchObject({ status: 'done', changed: true, state: 'paused' })
    expect(await pauseService(target())).toMatchObject({ status: 'done', changed: false, state: 'paused' })
    expect(await unpauseService(target())).toMatchObject({ status: 'done', changed: true, state: 'running' })
    expect(await unpauseService(target())).toMatchObject({ status: 'done', changed: false })
  })

  it('isolates a host from the sandbox network and restores it under its alias', async () => {
    const ip = sandbox.hosts.server!.ip
    expect(await eventually(() => probe('server'))).toBe(true)
    expect(await isolateHost(target())).toMatchObject({ status: 'done', changed: true, state: 'running' })
    expect(probe('server')).toBe(false)
    expect(probe(ip)).toBe(false)
    expect(await isolateHost(target())).toMatchObject({ status: 'done', changed: false })
    const restored = await restoreHost(target())
    expect(restored).toMatchObject({ status: 'done', changed: true, state: 'running' })
    console.log(
      `restore kept the IP: ${restored.status === 'done' && restored.ip === ip} (${ip} → ${restored.status === 'done' ? restored.ip : '-'})`,
    )
    expect(await eventually(() => probe('server'))).toBe(true)
  })

  it('refuses an unknown host', async () => {
    expect(await stopService(target('nope'))).toMatchObject({ status: 'refused', code: 'host-unknown' })
  })
})

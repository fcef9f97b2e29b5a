import { execFile, type ExecFileException } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { baseScore } from './providers'
import { startTestService, type TestService, CONTROL_TOKEN } from './test-helpers'

let svc: TestService | undefined
let dir: string | undefined
afterEach(async () => {
  await svc?.stop()
  if (dir) rmSync(dir, { recursive: true, force: true })
  svc = dir = undefined
})

/** `helixagent reseed` as the runner runs it: the image's launcher, with only the given environment. */
function reseed(env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  const launcher = path.join(import.meta.dirname, '..', 'bin', 'helixagent')
  return new Promise((resolve) => {
    const only: NodeJS.ProcessEnv = { NODE_ENV: 'test', PATH: process.env.PATH ?? '', ...env }
    execFile(
      'sh',
      [launcher, 'reseed'],
      { env: only },
      (error: ExecFileException | null, _out: string, stderr: string) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stderr }),
    )
  })
}

async function score(service: TestService, provider: string): Promise<number> {
  const res = await fetch(`${service.url}/v1/providers/verification`)
  const body = (await res.json()) as { providers: Array<{ id: string; score: number }> }
  return body.providers.find((p) => p.id === provider)!.score
}

describe('seed handed over on a warm-pool claim', () => {
  it('takes the new seed without a restart, keeps it in the seed file, and a restart reads it back', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'helixagent-seed-'))
    const seedFile = path.join(dir, 'state', 'seed')
    // The two seeds must tell apart, or the test proves nothing.
    expect(Math.abs(baseScore('claude', 'pool-seed') - baseScore('claude', 'learner-seed'))).toBeGreaterThan(
      0.1,
    )
    svc = await startTestService({ env: { HELIXAGENT_SEED: 'pool-seed', HELIXAGENT_SEED_FILE: seedFile } })
    expect(await score(svc, 'claude')).toBeCloseTo(baseScore('claude', 'pool-seed'), 1)

    const handed = await reseed({
      ACADEMY_SEED: 'learner-seed',
      HELIXAGENT_CONTROL_TOKEN: CONTROL_TOKEN,
      HELIXAGENT_CONTROL_PORT: String(svc.controlPort),
    })
    expect(handed).toEqual({ code: 0, stderr: '' })
    expect(await score(svc, 'claude')).toBeCloseTo(baseScore('claude', 'learner-seed'), 1)
    expect(readFileSync(seedFile, 'utf8').trim()).toBe('learner-seed')

    // The container restarts with the pool's seed still in its environment: the file wins.
    await svc.stop()
    svc = await startTestService({ env: { HELIXAGENT_SEED: 'pool-seed', HELIXAGENT_SEED_FILE: seedFile } })
    expect(await score(svc, 'claude')).toBeCloseTo(baseScore('claude', 'learner-seed'), 1)
  })

  it('refuses a seed without the control token, and an empty seed', async () => {
    svc = await startTestService({ env: { HELIXAGENT_SEED: 'pool-seed' } })
    const anonymous = await fetch(`${svc.controlUrl}/seed`, { method: 'PUT', body: '{"seed":"x"}' })
    expect(anonymous.status).toBe(401)
    expect((await svc.control('PUT', '/seed', { seed: '' })).status).toBe(400)
    expect(await score(svc, 'claude')).toBeCloseTo(baseScore('claude', 'pool-seed'), 1)
  })

  it('says what is missing when run without the seed', async () => {
    const { code, stderr } = await reseed({})
    expect(code).toBe(2)
    expect(stderr).toContain('needs ACADEMY_SEED')
  })

  it('says why the service refused: a wrong token, a seed that cannot go into JSON as it is', async () => {
    svc = await startTestService({ env: { HELIXAGENT_SEED: 'pool-seed' } })
    const port = String(svc.controlPort)
    // A token starting with "-" must reach curl as a header value, not as an option.
    const wrong = await reseed({
      ACADEMY_SEED: '42',
      HELIXAGENT_CONTROL_TOKEN: '-H x',
      HELIXAGENT_CONTROL_PORT: port,
    })
    expect(wrong.code).toBe(1)
    expect(wrong.stderr).toContain('the control port answered HTTP 401')
    const quoted = await reseed({
      ACADEMY_SEED: '1","x":"2',
      HELIXAGENT_CONTROL_TOKEN: CONTROL_TOKEN,
      HELIXAGENT_CONTROL_PORT: port,
    })
    expect(quoted.code).toBe(2)
    expect(quoted.stderr).toContain('only letters, digits')
    expect(await score(svc, 'claude')).toBeCloseTo(baseScore('claude', 'pool-seed'), 1)
  })

  it('says it cannot reach the control port when nothing listens there', async () => {
    const { code, stderr } = await reseed({
      ACADEMY_SEED: '42',
      HELIXAGENT_CONTROL_TOKEN: CONTROL_TOKEN,
      HELIXAGENT_CONTROL_PORT: '1',
    })
    expect(code).toBe(1)
    expect(stderr).toContain('cannot reach the control port 1')
  })
})

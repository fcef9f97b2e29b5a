import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { runCli } from './cli-run'
import { baseScore } from './providers'
import { startTestService, type TestService, CONTROL_TOKEN } from './test-helpers'

let svc: TestService | undefined
let dir: string | undefined
afterEach(async () => {
  await svc?.stop()
  if (dir) rmSync(dir, { recursive: true, force: true })
  svc = dir = undefined
})

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

    const io = { out: () => {}, errors: [] as string[] }
    const code = await runCli(['reseed'], {
      env: {
        ACADEMY_SEED: 'learner-seed',
        HELIXAGENT_CONTROL_TOKEN: CONTROL_TOKEN,
        HELIXAGENT_CONTROL_PORT: String(svc.controlPort),
      },
      out: io.out,
      err: (text) => void io.errors.push(text),
    })
    expect(io.errors).toEqual([])
    expect(code).toBe(0)
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
    const errors: string[] = []
    const code = await runCli(['reseed'], { env: {}, out: () => {}, err: (t) => void errors.push(t) })
    expect(code).toBe(2)
    expect(errors.join('')).toContain('needs ACADEMY_SEED')
  })
})

import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BASE_CONFIG_YAML, sample, startTestService, type TestService } from './test-helpers'

/**
 * Each fault must show the same story everywhere a learner looks: verification API, provider
 * health, chat results, metrics and logs; and the course's fix must clear it.
 */
let svc: TestService

beforeEach(async () => {
  svc = await startTestService()
})
afterEach(async () => {
  await svc.stop()
})

const get = (path: string) => fetch(`${svc.url}${path}`)
const post = (path: string, body?: unknown) =>
  fetch(`${svc.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
const chat = (model: string) =>
  post('/v1/chat/completions', { model, messages: [{ role: 'user', content: 'status report' }] })
const metric = async (name: string, labels: Record<string, string> = {}) =>
  sample(await (await get('/metrics')).text(), name, labels)

interface ProviderView {
  id: string
  verified: boolean
  score: number
  error: string | null
  status: string
}
async function verificationOf(
  id: string,
): Promise<ProviderView & { summary: { verified: number; failed: number } }> {
  const body = (await (await get('/v1/providers/verification')).json()) as {
    verified: number
    failed: number
    providers: ProviderView[]
  }
  const provider = body.providers.find((p) => p.id === id)
  if (!provider) throw new Error(`no ${id} in verification`)
  return { ...provider, summary: { verified: body.verified, failed: body.failed } }
}
async function inject(body: Record<string, unknown>): Promise<void> {
  const res = await svc.control('POST', '/faults', body)
  expect(res.status).toBe(201)
}

describe('control listener', () => {
  it('refuses requests without the bearer token and lists, validates and clears faults', async () => {
    expect((await fetch(`${svc.controlUrl}/faults`)).status).toBe(401)
    expect(
      (await fetch(`${svc.controlUrl}/faults`, { headers: { authorization: 'Bearer wrong' } })).status,
    ).toBe(401)
    // The public port knows nothing about faults.
    expect((await get('/faults')).status).toBe(404)

    const bad = await svc.control('POST', '/faults', { kind: 'degrade', provider: 'claude', score: 8 })
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain('score')
    expect((await svc.control('POST', '/faults', { kind: 'down', provider: 'openai' })).status).toBe(404)

    await inject({ kind: 'latency', provider: 'qwen', ms: 10 })
    await inject({ kind: 'down', provider: 'qwen' })
    await inject({ kind: 'slow', ms: 5 })
    expect(await (await svc.control('GET', '/faults')).json()).toEqual({
      instance: { slow: { ms: 5 } },
      providers: { qwen: { latency: { ms: 10 }, down: {} } },
    })
    await svc.control('DELETE', '/faults/providers/qwen/down')
    expect(await (await svc.control('GET', '/faults')).json()).toEqual({
      instance: { slow: { ms: 5 } },
      providers: { qwen: { latency: { ms: 10 } } },
    })
    await svc.control('DELETE', '/faults')
    expect(await (await svc.control('GET', '/faults')).json()).toEqual({ instance: {}, providers: {} })
    const status = (await (await svc.control('GET', '/status')).json()) as {
      config: { providers: { claude: { api_key: string } } }
    }
    expect(status.config.providers.claude.api_key).toBe('[REDACTED]')
  })
})

describe('degrade', () => {
  it('drops the score below 7 in verification, health, metrics, chat and logs; clearing restores it', async () => {
    await inject({ kind: 'degrade', provider: 'claude' })
    const view = await verificationOf('claude')
    expect(view).toMatchObject({ verified: false, score: 5.8, status: 'failed' })
    expect(view.summary).toEqual({ verified: 4, failed: 1 })
    expect(await metric('helixagent_provider_score', { provider: 'claude' })).toBe(5.8)

    const health = await get('/v1/providers/claude/health')
    expect(health.status).toBe(503)
    expect(await health.json()).toMatchObject({ status: 'degraded', score: 5.8, healthy: false })

    const answer = (await (await chat('claude-3-5-sonnet')).json()) as {
      ensemble: { confidence: number; participants: Array<{ provider: string; score: number }> }
    }
    expect(answer.ensemble.participants[0]).toMatchObject({ provider: 'claude', score: 5.8 })
    expect(answer.ensemble.confidence).toBeLessThan(0.7)
    expect(
      svc
        .logs()
        .some(
          (l) =>
            l.level === 'warn' &&
            l.msg === 'provider verification failed' &&
            l.provider === 'claude' &&
            l.score === 5.8,
        ),
    ).toBe(true)

    await svc.control('DELETE', '/faults/providers/claude')
    expect(await verificationOf('claude')).toMatchObject({ verified: true, score: 9.2 })
    expect(await metric('helixagent_provider_score', { provider: 'claude' })).toBe(9.2)
  })
})

describe('latency', () => {
  it('slows the provider’s calls and costs score, visible in request durations', async () => {
    await inject({ kind: 'latency', provider: 'deepseek', ms: 1800 })
    const view = await verificationOf('deepseek')
    // 8.7 base, one point per second of added latency: 6.9, below the 7.0 threshold.
    expect(view).toMatchObject({ verified: false, score: 6.9 })
    expect(view.error).toContain('below threshold')
    const started = Date.now()
    expect((await chat('deepseek-chat')).status).toBe(200)
    expect(Date.now() - started).toBeGreaterThanOrEqual(1700)
    const text = await (await get('/metrics')).text()
    expect(
      sample(text, 'helixagent_request_duration_seconds_bucket', {
        le: '1',
        method: 'POST',
        endpoint: '/v1/chat/completions',
      }),
    ).toBe(0)
    expect(
      sample(text, 'helixagent_request_duration_seconds_bucket', {
        le: '2.5',
        method: 'POST',
        endpoint: '/v1/chat/completions',
      }),
    ).toBe(1)
  })
})

describe('rate_limit', () => {
  it('returns 429 for a steady share of calls until requests_per_minute is lowered and reloaded', async () => {
    await inject({ kind: 'rate_limit', provider: 'claude', limit: 30 })
    const view = await verificationOf('claude')
    expect(view.verified).toBe(false)
    expect(view.score).toBeLessThan(7)
    expect(view.error).toContain('429')
    expect(view.error).toContain('x-ratelimit-limit: 30/min')

    const errorsBefore = (await metric('helixagent_provider_errors_total', { provider: 'claude' })) ?? 0
    const statuses: number[] = []
    for (let i = 0; i < 10; i++) statuses.push((await chat('claude-3-5-sonnet')).status)
    // configured 60/min against an upstream limit of 30/min: half the calls are rejected.
    expect(statuses.filter((s) => s === 429)).toHaveLength(5)
    expect(statuses.filter((s) => s === 200)).toHaveLength(5)
    expect(await metric('helixagent_provider_errors_total', { provider: 'claude' })).toBe(errorsBefore + 5)
    expect(
      await metric('helixagent_requests_total', {
        method: 'POST',
        endpoint: '/v1/chat/completions',
        status: '429',
      }),
    ).toBe(5)
    expect(
      svc
        .logs()
        .filter((l) => l.msg === 'provider call failed' && l.provider === 'claude' && l.status === 429),
    ).toHaveLength(5)

    // The runbook's fix: lower requests_per_minute to the upstream's limit and reload.
    svc.writeConfig(BASE_CONFIG_YAML.replace('requests_per_minute: 60', 'requests_per_minute: 30'))
    expect((await post('/admin/reload')).status).toBe(200)
    expect(await verificationOf('claude')).toMatchObject({ verified: true, score: 9.2 })
    for (let i = 0; i < 6; i++) expect((await chat('claude-3-5-sonnet')).status).toBe(200)
  })
})

describe('auth', () => {
  it('fails with 401 until the rotated key is in the config and reloaded', async () => {
    await inject({ kind: 'auth', provider: 'claude', key: 'sk-rotated-42' })
    expect(await verificationOf('claude')).toMatchObject({ verified: false, score: 0 })
    const authTest = (await (
      await post('/v1/providers/verify', { provider: 'claude', test: 'auth' })
    ).json()) as { verified: boolean; error: string }
    expect(authTest.verified).toBe(false)
    expect(authTest.error).toContain('401')
    const res = await chat('claude-3-5-sonnet')
    expect(res.status).toBe(502)
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('401')

    // A wrong new key does not help.
    svc.writeConfig(BASE_CONFIG_YAML.replace('api_key: sk-old-claude', 'api_key: sk-guess'))
    await post('/admin/reload')
    expect((await verificationOf('claude')).verified).toBe(false)

    svc.writeConfig(BASE_CONFIG_YAML.replace('api_key: sk-old-claude', 'api_key: sk-rotated-42'))
    await post('/admin/reload')
    expect(await verificationOf('claude')).toMatchObject({ verified: true, score: 9.2 })
    expect((await chat('claude-3-5-sonnet')).status).toBe(200)
    // The key never reaches the logs.
    expect(svc.lines.join('')).not.toContain('sk-rotated-42')
  })
})

describe('down', () => {
  it('fails the provider and fails traffic over to its configured fallback', async () => {
    await inject({ kind: 'down', provider: 'claude' })
    await inject({ kind: 'down', provider: 'qwen' })
    expect(await verificationOf('claude')).toMatchObject({ verified: false, score: 0 })
    expect(await metric('helixagent_provider_score', { provider: 'claude' })).toBe(0)

    const health = (await (await get('/v1/providers/claude/health')).json()) as Record<string, unknown>
    expect(health).toMatchObject({ status: 'unhealthy', fallback: 'gemini', failover_active: true })

    const res = await chat('claude-3-5-sonnet')
    expect(res.status).toBe(200)
    const answer = (await res.json()) as {
      ensemble: { participants: Array<{ provider: string; fallback_from: string | null }> }
    }
    expect(answer.ensemble.participants).toEqual([
      expect.objectContaining({ provider: 'gemini', fallback_from: 'claude' }),
    ])
    // qwen has no fallback: its outage is the caller's outage.
    expect((await chat('qwen-max')).status).toBe(503)
    expect(await metric('helixagent_provider_errors_total', { provider: 'qwen' })).toBeGreaterThanOrEqual(2)
    expect(
      svc
        .logs()
        .some(
          (l) =>
            l.msg === 'provider down, failing over' && l.provider === 'claude' && l.fallback === 'gemini',
        ),
    ).toBe(true)
  })
})

describe('instance faults', () => {
  it('slow delays every request except /metrics', async () => {
    await inject({ kind: 'slow', ms: 400 })
    let started = Date.now()
    await get('/health')
    expect(Date.now() - started).toBeGreaterThanOrEqual(380)
    started = Date.now()
    await get('/metrics')
    expect(Date.now() - started).toBeLessThan(380)
    await svc.control('DELETE', '/faults/instance')
    started = Date.now()
    await get('/health')
    expect(Date.now() - started).toBeLessThan(380)
  })

  it('crash calls the exit hook with the requested code', async () => {
    const res = await svc.control('POST', '/faults', { kind: 'crash', exit_code: 3, delay_ms: 0 })
    expect(res.status).toBe(202)
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(svc.crashes).toEqual([3])
    expect(svc.logs().some((l) => l.level === 'error' && l.msg === 'crash fault injected: exiting')).toBe(
      true,
    )
  })
})

import { spawnSync } from 'node:child_process'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { originProof } from './proof'
import { BASE_CONFIG_YAML, CONTROL_TOKEN, sample, startTestService, type TestService } from './test-helpers'

let svc: TestService

beforeEach(async () => {
  svc = await startTestService()
})
afterEach(async () => {
  await svc.stop()
})

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${svc.url}${path}`, { headers })
const post = (path: string, body?: unknown, headers: Record<string, string> = {}) =>
  fetch(`${svc.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
const metricsText = async () => (await get('/metrics')).text()
const chat = (model: string, content = 'How do we handle provider degradation?') =>
  post('/v1/chat/completions', { model, messages: [{ role: 'user', content }] })

describe('proof of origin', () => {
  it('signs a grader nonce with the control token and its instance id', async () => {
    const res = await get('/v1/models', { 'x-academy-challenge': 'nonce-0123456789' })
    expect(res.headers.get('x-helixagent-instance')).toBe('test-1')
    expect(res.headers.get('x-helixagent-proof')).toBe(
      originProof(CONTROL_TOKEN, 'nonce-0123456789', 'test-1'),
    )
    expect((await get('/v1/models')).headers.get('x-helixagent-proof')).toBeNull()
  })
})

describe('execution log', () => {
  it('counts every arrival of a grader-tagged request, even one that fails, behind the control token', async () => {
    const id = 'exec-0123456789'
    const count = async () =>
      ((await (await svc.control('GET', `/executions/${id}`)).json()) as { count: number }).count
    expect(await count()).toBe(0)
    const body = { model: 'helixagent-ensemble', messages: [{ role: 'user', content: 'hi' }] }
    expect((await post('/v1/chat/completions', body, { 'x-academy-execution': id })).status).toBe(200)
    expect(await count()).toBe(1)
    // A replay counts again; a malformed request still arrived, so it counts as well.
    await post('/v1/chat/completions', body, { 'x-academy-execution': id })
    await post('/v1/chat/completions', { messages: [] }, { 'x-academy-execution': id })
    expect(await count()).toBe(3)
    // Ids that are not well-formed are not logged, and the log is not on the public port.
    await post('/v1/chat/completions', body, { 'x-academy-execution': 'bad id' })
    expect((await get(`/executions/${id}`)).status).toBe(404)
    const anonymous = await fetch(`${svc.controlUrl}/executions/${id}`)
    expect(anonymous.status).toBe(401)
  })
})

describe('metrics', () => {
  it('exposes the course names, labels and buckets, with route templates as endpoint', async () => {
    await get('/v1/debates/3f1c6a52-0000-4000-8000-000000000000')
    await get('/v1/providers')
    const text = await metricsText()
    expect(text).toContain('# TYPE helixagent_requests_total counter')
    expect(text).toContain('# HELP helixagent_requests_total Total number of requests')
    expect(
      sample(text, 'helixagent_requests_total', {
        method: 'GET',
        endpoint: '/v1/debates/:id',
        status: '404',
      }),
    ).toBe(1)
    expect(
      sample(text, 'helixagent_requests_total', { method: 'GET', endpoint: '/v1/providers', status: '200' }),
    ).toBe(1)
    expect(text).not.toContain('3f1c6a52')

    expect(text).toContain('# TYPE helixagent_request_duration_seconds histogram')
    const durationBuckets = [
      ...text.matchAll(
        /^helixagent_request_duration_seconds_bucket\{le="([^"]+)",method="GET",endpoint="\/v1\/providers"\}/gm,
      ),
    ].map((m) => m[1])
    expect(durationBuckets).toEqual(['0.1', '0.25', '0.5', '1', '2.5', '5', '10', '+Inf'])

    expect(text).toContain('# TYPE helixagent_provider_score gauge')
    expect(sample(text, 'helixagent_provider_score', { provider: 'claude' })).toBe(9.2)
    expect(text).toContain('# TYPE helixagent_provider_errors_total counter')
    expect(sample(text, 'helixagent_provider_errors_total', { provider: 'claude' })).toBe(0)

    expect(text).toContain('# TYPE helixagent_debate_confidence histogram')
    const confidenceBuckets = [
      ...text.matchAll(/^helixagent_debate_confidence_bucket\{le="([^"]+)"\}/gm),
    ].map((m) => m[1])
    expect(confidenceBuckets).toEqual(['0.5', '0.6', '0.7', '0.8', '0.9', '0.95', '1', '+Inf'])

    // prom-client's process metrics, for the "usual" dashboards.
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m)
    expect(text).toMatch(/^process_resident_memory_bytes \d/m)
  })

  it("passes Prometheus' own linter (promtool check metrics, from Debian's prometheus package)", async () => {
    await get('/v1/providers')
    const lint = spawnSync('promtool', ['check', 'metrics'], { input: await metricsText(), encoding: 'utf8' })
    expect(lint.error?.message, 'promtool is needed: apt-get install prometheus').toBeUndefined()
    expect(`${lint.stdout}${lint.stderr}`).toBe('')
    expect(lint.status).toBe(0)
  })

  it('observes debate confidence for each completed chat', async () => {
    expect((await chat('helixagent-ensemble')).status).toBe(200)
    const text = await metricsText()
    expect(sample(text, 'helixagent_debate_confidence_count')).toBe(1)
    expect(
      sample(text, 'helixagent_requests_total', {
        method: 'POST',
        endpoint: '/v1/chat/completions',
        status: '200',
      }),
    ).toBe(1)
  })

  it('reports GOMEMLIMIT/GOGC from the environment in metrics and /health', async () => {
    const tuned = await startTestService({ env: { GOMEMLIMIT: '1800MiB', GOGC: '50' } })
    try {
      const text = await (await fetch(`${tuned.url}/metrics`)).text()
      expect(sample(text, 'helixagent_memory_limit_bytes')).toBe(1800 * 1024 * 1024)
      expect(text).toMatch(
        /helixagent_runtime_info\{gomemlimit="1800MiB",gogc="50",version="[^"]+",instance="test-1"\} 1/,
      )
      const health = (await (await fetch(`${tuned.url}/health`)).json()) as {
        runtime: Record<string, unknown>
      }
      expect(health.runtime).toMatchObject({ gomemlimit: '1800MiB', gogc: '50' })
    } finally {
      await tuned.stop()
    }
  })
})

describe('health and readiness', () => {
  it('is healthy with every dependency up, degraded without redis or replica, unhealthy without the primary', async () => {
    let res = await get('/health')
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({
      status: 'healthy',
      database: { status: 'up' },
      redis: { status: 'up', mode: 'cluster' },
    })

    svc.cache.up = false
    svc.store.replica = { status: 'down', error: 'connection refused' }
    res = await get('/health')
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({
      status: 'degraded',
      redis: { status: 'down' },
      database_replica: { status: 'down' },
    })
    expect((await get('/ready')).status).toBe(200)
    let text = await metricsText()
    expect(sample(text, 'helixagent_dependency_up', { dependency: 'redis' })).toBe(0)

    // Still serving without Redis.
    expect((await chat('helixagent-ensemble')).status).toBe(200)

    svc.store.primaryUp = false
    res = await get('/health')
    expect(res.status).toBe(503)
    expect(await res.json()).toMatchObject({ status: 'unhealthy', database: { status: 'down' } })
    expect((await get('/ready')).status).toBe(503)
    expect((await post('/v1/debates', { topic: 'x' })).status).toBe(503)
    text = await metricsText()
    expect(sample(text, 'helixagent_dependency_up', { dependency: 'database' })).toBe(0)

    svc.store.primaryUp = true
    svc.cache.up = true
    expect((await get('/ready')).status).toBe(200)
  })
})

describe('configuration reload', () => {
  it('applies a valid file and keeps the running config on an invalid one, answering 400 with the reason', async () => {
    svc.writeConfig(BASE_CONFIG_YAML.replace('requests_per_minute: 60', 'requests_per_minute: 30'))
    let res = await post('/admin/reload')
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ status: 'reloaded' })

    svc.writeConfig(BASE_CONFIG_YAML.replace('requests_per_minute: 60', 'requests_per_minute: many'))
    res = await post('/admin/reload')
    expect(res.status).toBe(400)
    const body = (await res.json()) as { error: string }
    expect(body.error).toContain('providers.claude.rate_limit.requests_per_minute')

    const providers = (await (await get('/v1/providers')).json()) as {
      providers: Array<{ id: string; rate_limit: { requests_per_minute: number } }>
    }
    expect(providers.providers.find((p) => p.id === 'claude')?.rate_limit.requests_per_minute).toBe(30)
    const text = await metricsText()
    expect(sample(text, 'helixagent_config_reloads_total', { result: 'error' })).toBe(1)
    expect(
      svc.logs().some((l) => l.level === 'error' && String(l.error).includes('requests_per_minute')),
    ).toBe(true)
  })
})

describe('API surface', () => {
  it('lists models and providers without secrets', async () => {
    const models = (await (await get('/v1/models')).json()) as {
      object: string
      data: Array<{ id: string; owned_by: string }>
    }
    expect(models.object).toBe('list')
    expect(models.data.map((m) => m.id)).toEqual([
      'helixagent-ensemble',
      'claude-3-5-sonnet',
      'deepseek-chat',
      'gemini-1.5-pro',
      'qwen-max',
      'mistral-large',
    ])
    const text = await (await get('/v1/providers')).text()
    expect(text).not.toContain('sk-')
    expect(JSON.parse(text)).toMatchObject({ count: 5 })
    const best = (await (await get('/v1/providers/best')).json()) as { id: string; score: number }
    expect(best).toMatchObject({ id: 'claude', score: 9.2 })
  })

  it('stores debates and tasks, and reports their status', async () => {
    const created = await post('/v1/debates', { topic: 'Should we shard the tasks table?', rounds: 2 })
    expect(created.status).toBe(201)
    const debate = (await created.json()) as { id: string; participants: string[] }
    expect(debate.participants).toEqual(['claude', 'gemini', 'deepseek'])
    await svc.app.drain()
    const status = (await (await get(`/v1/debates/${debate.id}/status`)).json()) as {
      status: string
      confidence: number
    }
    expect(status.status).toBe('completed')
    expect(status.confidence).toBeGreaterThan(0.8)
    const full = (await (await get(`/v1/debates/${debate.id}`)).json()) as {
      result: { rounds: Array<{ contributions: Array<{ role: string }> }> }
    }
    expect(full.result.rounds).toHaveLength(2)
    expect(full.result.rounds[0]?.contributions.map((c) => c.role)).toEqual(['analyst', 'proposer', 'critic'])
    // The finished debate is now cached in Redis.
    expect((await get(`/v1/debates/${debate.id}`)).headers.get('x-cache')).toBe('hit')
    const list = (await (await get('/v1/debates')).json()) as { count: number }
    expect(list.count).toBe(1)
    expect((await fetch(`${svc.url}/v1/debates/${debate.id}`, { method: 'DELETE' })).status).toBe(204)
    expect((await get(`/v1/debates/${debate.id}`)).status).toBe(404)

    const task = (await (
      await post('/v1/tasks', { type: 'debate', input: { topic: 'Failover drill' } })
    ).json()) as { id: string; status: string }
    expect(task.status).toBe('pending')
    await svc.app.drain()
    const taskStatus = (await (await get(`/v1/tasks/${task.id}/status`)).json()) as {
      status: string
      result: { debate_id: string }
    }
    expect(taskStatus.status).toBe('completed')
    expect(svc.store.debates.get(taskStatus.result.debate_id)?.topic).toBe('Failover drill')
  })

  it('validates request bodies with clear messages', async () => {
    const res = await post('/v1/debates', { topic: '', round: 3 })
    expect(res.status).toBe(400)
    const body = (await res.json()) as { error: { message: string; type: string } }
    expect(body.error.type).toBe('invalid_request_error')
    expect(body.error.message).toContain('round: unknown key')
    expect((await chat('gpt-4')).status).toBe(404)
    expect((await fetch(`${svc.url}/v1/models`, { method: 'DELETE' })).status).toBe(405)
  })
})

describe('chat completions', () => {
  it('answers OpenAI-shaped JSON deterministically', async () => {
    const a = (await (await chat('helixagent-ensemble')).json()) as {
      object: string
      choices: Array<{ message: { role: string; content: string }; finish_reason: string }>
      ensemble: { confidence: number; participants: unknown[] }
    }
    const b = (await (await chat('helixagent-ensemble')).json()) as typeof a
    expect(a.object).toBe('chat.completion')
    expect(a.choices[0]?.message.role).toBe('assistant')
    expect(a.choices[0]?.finish_reason).toBe('stop')
    expect(a.choices[0]?.message.content).toBe(b.choices[0]?.message.content)
    expect(a.ensemble.confidence).toBe(b.ensemble.confidence)
    expect(a.ensemble.participants).toHaveLength(3)
  })

  it('streams server-sent events that add up to the same answer, ending with [DONE]', async () => {
    const plain = (await (await chat('helixagent-ensemble')).json()) as {
      choices: Array<{ message: { content: string } }>
    }
    const res = await post('/v1/chat/completions', {
      model: 'helixagent-ensemble',
      stream: true,
      messages: [{ role: 'user', content: 'How do we handle provider degradation?' }],
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/event-stream')
    const raw = await res.text()
    const events = raw.split('\n\n').filter(Boolean)
    expect(events.every((event) => event.startsWith('data: '))).toBe(true)
    expect(events.at(-1)).toBe('data: [DONE]')
    const chunks = events.slice(0, -1).map(
      (event) =>
        JSON.parse(event.slice(6)) as {
          object: string
          choices: Array<{ delta: { content?: string; role?: string }; finish_reason: string | null }>
        },
    )
    expect(chunks.length).toBeGreaterThan(3)
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true)
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant')
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('stop')
    const content = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')
    expect(content).toBe(plain.choices[0]?.message.content)
    const text = await metricsText()
    expect(
      sample(text, 'helixagent_requests_total', {
        method: 'POST',
        endpoint: '/v1/chat/completions',
        status: '200',
      }),
    ).toBe(2)
  })
})

describe('tracing', () => {
  let collector: Server
  let received: Array<{
    resourceSpans: Array<{
      scopeSpans: Array<{ spans: Array<{ traceId: string; name: string; parentSpanId?: string }> }>
    }>
  }>

  beforeEach(async () => {
    received = []
    collector = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        if (req.url === '/v1/traces')
          received.push(JSON.parse(Buffer.concat(chunks).toString()) as (typeof received)[number])
        res.writeHead(200).end('{}')
      })
    })
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve))
  })
  afterEach(async () => {
    await new Promise<void>((resolve) => collector.close(() => resolve()))
  })

  it('continues a W3C trace: same trace id in the response header, the logs and the exported OTLP spans', async () => {
    const port = (collector.address() as AddressInfo).port
    svc.writeConfig(
      `${BASE_CONFIG_YAML}\ntracing:\n  otlp_endpoint: http://127.0.0.1:${port}\n  sampling_ratio: 0\n`,
    )
    expect((await post('/admin/reload')).status).toBe(200)
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736'
    const res = await post(
      '/v1/chat/completions',
      { messages: [{ role: 'user', content: 'hi' }] },
      { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    )
    expect(res.status).toBe(200)
    expect(res.headers.get('traceparent')).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`))
    // An unsampled caller (flag 00) with ratio 0 exports nothing.
    await post(
      '/v1/chat/completions',
      { messages: [{ role: 'user', content: 'hi' }] },
      { traceparent: '00-11111111111111111111111111111111-00f067aa0ba902b7-00' },
    )
    expect(svc.logs().some((l) => l.msg === 'request completed' && l.trace_id === traceId)).toBe(true)
    await svc.tracer.flush()
    const spans = received.flatMap((batch) =>
      batch.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)),
    )
    expect(spans.map((s) => s.traceId).every((id) => id === traceId)).toBe(true)
    expect(spans.map((s) => s.name).sort()).toEqual(['POST /v1/chat/completions', 'ensemble'])
    expect(spans.find((s) => s.name === 'POST /v1/chat/completions')?.parentSpanId).toBe('00f067aa0ba902b7')
  })
})

import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import { z } from 'zod'
import type { ConfigHolder } from './config-holder'
import { formatZodError } from './config'
import { runEnsemble, selectParticipants, type EnsembleOutcome } from './ensemble'
import type { HelixEnv } from './env'
import { EXECUTION_HEADER, type ExecutionLog } from './executions'
import type { FaultState } from './faults'
import { ApiError, errorBody, readJsonBody, Router, sendJson } from './http-kit'
import type { Logger } from './logger'
import type { Metrics } from './metrics'
import { CHALLENGE_HEADER, PROOF_HEADER, proofFor } from './proof'
import type { ProviderSimulator } from './providers'
import {
  StoreUnavailableError,
  type Cache,
  type DebateRecord,
  type DependencyStatus,
  type Store,
  type TaskRecord,
} from './store'
import { parseTraceparent, type Span, type Tracer } from './tracing'
import type { Verifier } from './verifier'

export interface AppDeps {
  config: ConfigHolder
  store: Store
  cache: Cache
  metrics: Metrics
  logger: Logger
  faults: FaultState
  simulator: ProviderSimulator
  verifier: Verifier
  tracer: Tracer
  info: { instanceId: string; version: string; runtime: HelixEnv['runtime']; startedAt: number }
  /** The control token (null: no control listener): also keys the grader's proof of origin (proof.ts). */
  controlToken?: string | null
  /** Arrivals of grader-tagged requests (executions.ts); null: not recorded. */
  executions?: ExecutionLog | null
}

interface Ctx {
  req: IncomingMessage
  res: ServerResponse
  url: URL
  params: Record<string, string>
  logger: Logger
  span: Span
}

const ENSEMBLE_MODELS = new Set(['helixagent-ensemble', 'helixagent', 'ensemble'])
const QUIET_ENDPOINTS = new Set(['/health', '/ready', '/metrics'])

const chatRequestSchema = z.object({
  model: z.string().min(1).default('helixagent-ensemble'),
  messages: z
    .array(
      z.object({ role: z.string().min(1), content: z.union([z.string(), z.array(z.unknown()), z.null()]) }),
    )
    .min(1, 'at least one message is required'),
  stream: z.boolean().default(false),
  user: z.string().min(1).optional(),
})

const debateRequestSchema = z.strictObject({
  topic: z.string().min(1).max(2000),
  rounds: z.number().int().min(1).max(10).optional(),
  participants: z
    .union([z.number().int().min(1).max(10), z.array(z.string().min(1)).min(1).max(10)])
    .optional(),
})

const taskRequestSchema = z.strictObject({
  type: z.string().min(1).max(64),
  input: z.record(z.string(), z.unknown()).default({}),
})

const verifyRequestSchema = z.strictObject({
  provider: z.string().min(1).optional(),
  test: z.enum(['auth']).optional(),
})

function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body)
  if (!parsed.success) throw new ApiError(400, 'invalid_request', formatZodError(parsed.error))
  return parsed.data
}

function promptText(messages: Array<{ content: unknown }>): string {
  return messages
    .map((message) =>
      typeof message.content === 'string' ? message.content : JSON.stringify(message.content),
    )
    .join('\n')
}

export interface HelixApp {
  server: Server
  /** Waits for background debates/tasks so a store can close cleanly. */
  drain(): Promise<void>
}

export function createApp(deps: AppDeps): HelixApp {
  const { config, store, cache, metrics, verifier, simulator } = deps
  const background = new Set<Promise<void>>()
  const track = (work: Promise<void>) => {
    background.add(work)
    void work.finally(() => background.delete(work))
  }

  async function dependencyStatuses(): Promise<{
    database: DependencyStatus
    database_replica: DependencyStatus
    redis: DependencyStatus
  }> {
    const [database, databaseReplica, redis] = await Promise.all([
      store.checkPrimary(),
      store.checkReplica(),
      cache.check(),
    ])
    metrics.dependencyUp.set({ dependency: 'database' }, database.status === 'up' ? 1 : 0)
    for (const [name, status] of [
      ['database_replica', databaseReplica],
      ['redis', redis],
    ] as const) {
      if (status.status === 'not_configured') metrics.dependencyUp.remove({ dependency: name })
      else metrics.dependencyUp.set({ dependency: name }, status.status === 'up' ? 1 : 0)
    }
    return { database, database_replica: databaseReplica, redis }
  }

  async function touchSession(sessionId: string | undefined): Promise<void> {
    if (sessionId === undefined) return
    const key = `helixagent:session:${sessionId}`
    const previous = await cache.get(key)
    let requests = 0
    try {
      requests = previous === null ? 0 : Number((JSON.parse(previous) as { requests?: number }).requests ?? 0)
    } catch {
      requests = 0
    }
    await cache.set(
      key,
      JSON.stringify({
        requests: requests + 1,
        last_seen: new Date().toISOString(),
        instance: deps.info.instanceId,
      }),
      3600,
    )
  }

  function ensembleSummary(outcome: EnsembleOutcome) {
    return {
      confidence: outcome.confidence,
      rounds: outcome.rounds.length,
      participants: outcome.rounds.at(-1)?.contributions.map((c) => ({
        provider: c.provider,
        role: c.role,
        status: c.status,
        score: c.score,
        latency_ms: c.latency_ms,
        error: c.error,
        fallback_from: c.fallback_from,
      })),
    }
  }

  async function runDebate(debate: DebateRecord, logger: Logger): Promise<void> {
    await store.updateDebate(debate.id, { status: 'running' })
    const outcome = await runEnsemble({
      config: config.current,
      simulator,
      logger,
      participants: debate.participants,
      rounds: debate.rounds,
      prompt: debate.topic,
    })
    if (outcome.confidence === null) {
      await store.updateDebate(debate.id, {
        status: 'failed',
        error: outcome.firstFailure?.reason ?? 'no participant answered',
        result: outcome,
      })
      logger.error('debate failed', { debate_id: debate.id, error: outcome.firstFailure?.reason })
      return
    }
    metrics.debateConfidence.observe(outcome.confidence)
    await store.updateDebate(debate.id, {
      status: 'completed',
      result: outcome,
      confidence: outcome.confidence,
    })
    logger.info('debate completed', {
      debate_id: debate.id,
      confidence: outcome.confidence,
      failed_calls: outcome.failed,
    })
  }

  async function createDebate(
    input: z.infer<typeof debateRequestSchema>,
    logger: Logger,
  ): Promise<DebateRecord> {
    const current = config.current
    const explicit = Array.isArray(input.participants) ? input.participants : undefined
    for (const id of explicit ?? []) {
      if (!(id in current.providers))
        throw new ApiError(400, 'unknown_provider', `participants: unknown provider "${id}"`)
    }
    const count = typeof input.participants === 'number' ? input.participants : current.debate.participants
    const participants = selectParticipants(current, verifier, count, explicit)
    if (participants.length === 0)
      throw new ApiError(503, 'no_providers', 'no enabled provider can take part in a debate')
    const now = new Date().toISOString()
    const debate: DebateRecord = {
      id: randomUUID(),
      topic: input.topic,
      status: 'pending',
      rounds: input.rounds ?? current.debate.rounds,
      participants,
      result: null,
      confidence: null,
      error: null,
      created_at: now,
      updated_at: now,
    }
    await store.insertDebate(debate)
    track(
      runDebate(debate, logger).catch((cause: unknown) => {
        logger.error('debate could not be stored', {
          debate_id: debate.id,
          error: cause instanceof Error ? cause.message : String(cause),
        })
      }),
    )
    return debate
  }

  async function runTask(task: TaskRecord, logger: Logger): Promise<void> {
    await store.updateTask(task.id, { status: 'running' })
    const input = task.input as Record<string, unknown>
    if (task.type === 'debate') {
      const parsed = debateRequestSchema.safeParse(input)
      if (!parsed.success) {
        await store.updateTask(task.id, { status: 'failed', error: formatZodError(parsed.error) })
        return
      }
      const debate = await createDebate(parsed.data, logger)
      await store.updateTask(task.id, { status: 'completed', result: { debate_id: debate.id } })
    } else if (task.type === 'verify') {
      const provider = typeof input.provider === 'string' ? input.provider : undefined
      const results =
        provider === undefined
          ? await verifier.verifyAll(logger)
          : [await verifier.verifyOne(provider, logger)]
      await store.updateTask(task.id, { status: 'completed', result: { providers: results } })
    } else {
      await store.updateTask(task.id, {
        status: 'completed',
        result: { note: `task type "${task.type}" is simulated: nothing to do` },
      })
    }
    logger.info('task completed', { task_id: task.id, type: task.type })
  }

  const router = new Router<Ctx>()

  router.add('GET', '/health', async ({ res }) => {
    const deps_ = await dependencyStatuses()
    const primaryUp = deps_.database.status === 'up'
    const degraded = deps_.database_replica.status === 'down' || deps_.redis.status === 'down'
    const summary = verifier.summary()
    sendJson(res, primaryUp ? 200 : 503, {
      status: !primaryUp ? 'unhealthy' : degraded ? 'degraded' : 'healthy',
      version: deps.info.version,
      instance: deps.info.instanceId,
      uptime_seconds: Math.round((Date.now() - deps.info.startedAt) / 1000),
      ...deps_,
      redis: { ...deps_.redis, mode: cache.mode },
      providers: { verified: summary.verified, failed: summary.failed, pending: summary.pending },
      runtime: {
        gomemlimit: deps.info.runtime.gomemlimit,
        gogc: deps.info.runtime.gogc,
        node: process.version,
      },
    })
  })

  router.add('GET', '/ready', async ({ res }) => {
    const database = await store.checkPrimary()
    metrics.dependencyUp.set({ dependency: 'database' }, database.status === 'up' ? 1 : 0)
    sendJson(res, database.status === 'up' ? 200 : 503, { ready: database.status === 'up', database })
  })

  router.add('GET', '/metrics', async ({ res }) => {
    const text = await metrics.registry.metrics()
    res.writeHead(200, { 'content-type': metrics.registry.contentType })
    res.end(text)
  })

  router.add('POST', '/admin/reload', async ({ res, logger }) => {
    const reloaded = config.reload()
    if (!reloaded.ok) {
      metrics.configReloads.inc({ result: 'error' })
      logger.error('config reload rejected; keeping the running config', { error: reloaded.error })
      sendJson(res, 400, { status: 'error', error: reloaded.error, kept: 'running configuration unchanged' })
      return
    }
    metrics.configReloads.inc({ result: 'success' })
    logger.info('config reloaded', { restart_required: reloaded.value.restartRequired })
    // Re-verify at once so a fix (new key, lower rate) shows without waiting for the timer.
    const results = await verifier.verifyAll(logger)
    sendJson(res, 200, {
      status: 'reloaded',
      loaded_at: config.loadedAt.toISOString(),
      restart_required: reloaded.value.restartRequired,
      providers: results.map(({ id, verified, score, error }) => ({ id, verified, score, error })),
    })
  })

  router.add('GET', '/v1/models', async ({ res }) => {
    const created = Math.floor(deps.info.startedAt / 1000)
    const data = [{ id: 'helixagent-ensemble', object: 'model', created, owned_by: 'helixagent' }]
    for (const [id, provider] of Object.entries(config.current.providers)) {
      if (!provider.enabled) continue
      for (const model of provider.models) data.push({ id: model, object: 'model', created, owned_by: id })
    }
    sendJson(res, 200, { object: 'list', data })
  })

  router.add('POST', '/v1/chat/completions', async ({ req, res, logger, span }) => {
    const body = parseBody(chatRequestSchema, await readJsonBody(req))
    const current = config.current
    let participants: string[]
    let single = false
    if (ENSEMBLE_MODELS.has(body.model)) {
      participants = selectParticipants(current, verifier, current.debate.participants)
    } else {
      const owner = Object.entries(current.providers).find(
        ([id, p]) => id === body.model || p.models.includes(body.model),
      )
      if (!owner || !owner[1].enabled) {
        throw new ApiError(
          404,
          'model_not_found',
          `The model "${body.model}" does not exist or its provider is disabled; see GET /v1/models`,
        )
      }
      participants = [owner[0]]
      single = true
    }
    if (participants.length === 0)
      throw new ApiError(503, 'no_providers', 'no enabled provider is configured')
    const sessionId = (req.headers['x-session-id'] as string | undefined) ?? body.user
    await touchSession(sessionId)

    const prompt = promptText(body.messages)
    const callSpan = span.child('ensemble')
    const outcome = await runEnsemble({ config: current, simulator, logger, participants, rounds: 1, prompt })
    callSpan.setAttribute('helixagent.participants', participants.join(',')).end(outcome.confidence === null)

    if (outcome.confidence === null || outcome.consensus === null) {
      const failure = outcome.firstFailure
      if (single && failure) {
        const status = failure.status === 401 ? 502 : failure.status
        throw new ApiError(
          status,
          failure.status === 429
            ? 'rate_limited'
            : failure.status === 401
              ? 'upstream_auth_failed'
              : 'provider_unavailable',
          `provider ${failure.provider}: ${failure.reason}`,
          failure.status === 429 ? { 'retry-after': '60' } : {},
        )
      }
      throw new ApiError(
        503,
        'all_providers_failed',
        `every provider in the ensemble failed; first error: ${failure?.reason ?? 'unknown'}`,
      )
    }
    metrics.debateConfidence.observe(outcome.confidence)
    const content = outcome.consensus
    const id = `chatcmpl-${randomUUID().replaceAll('-', '').slice(0, 24)}`
    const created = Math.floor(Date.now() / 1000)
    const promptTokens = Math.ceil(prompt.length / 4)
    const completionTokens = Math.ceil(content.length / 4)
    const ensemble = ensembleSummary(outcome)

    if (!body.stream) {
      sendJson(res, 200, {
        id,
        object: 'chat.completion',
        created,
        model: body.model,
        choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
        usage: {
          prompt_tokens: promptTokens,
          completion_tokens: completionTokens,
          total_tokens: promptTokens + completionTokens,
        },
        ensemble,
      })
      return
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    })
    const chunk = (
      delta: Record<string, unknown>,
      finish: string | null,
      extra: Record<string, unknown> = {},
    ) =>
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: body.model, choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`
    res.write(chunk({ role: 'assistant' }, null))
    for (const piece of content.match(/\S+\s*/g) ?? []) {
      if (res.destroyed) return
      res.write(chunk({ content: piece }, null))
      await sleep(5)
    }
    res.write(chunk({}, 'stop', { ensemble }))
    res.end('data: [DONE]\n\n')
  })

  router.add('POST', '/v1/debates', async ({ req, res, logger }) => {
    const input = parseBody(debateRequestSchema, await readJsonBody(req))
    const debate = await createDebate(input, logger)
    sendJson(res, 201, debate)
  })

  router.add('GET', '/v1/debates', async ({ res, url }) => {
    const limit = Math.min(200, Math.max(1, Number(url.searchParams.get('limit') ?? 50) || 50))
    const debates = await store.listDebates(limit)
    sendJson(res, 200, {
      debates: debates.map(({ id, topic, status, rounds, confidence, created_at, updated_at }) => ({
        id,
        topic,
        status,
        rounds,
        confidence,
        created_at,
        updated_at,
      })),
      count: debates.length,
    })
  })

  const debateCacheKey = (id: string) => `helixagent:debate:${id}`
  const loadDebate = async (id: string): Promise<{ debate: DebateRecord; cached: boolean }> => {
    const cached = await cache.get(debateCacheKey(id))
    if (cached !== null) return { debate: JSON.parse(cached) as DebateRecord, cached: true }
    const debate = await store.getDebate(id)
    if (!debate) throw new ApiError(404, 'debate_not_found', `no debate with id ${id}`)
    // Finished debates never change again: safe to serve from the cache.
    if (debate.status === 'completed' || debate.status === 'failed') {
      await cache.set(debateCacheKey(id), JSON.stringify(debate), config.current.redis.cache_ttl_seconds)
    }
    return { debate, cached: false }
  }

  router.add('GET', '/v1/debates/:id', async ({ res, params }) => {
    const { debate, cached } = await loadDebate(params.id ?? '')
    sendJson(res, 200, debate, { 'x-cache': cached ? 'hit' : 'miss' })
  })

  router.add('GET', '/v1/debates/:id/status', async ({ res, params }) => {
    const { debate } = await loadDebate(params.id ?? '')
    sendJson(res, 200, {
      id: debate.id,
      status: debate.status,
      rounds: debate.rounds,
      confidence: debate.confidence,
      error: debate.error,
      updated_at: debate.updated_at,
    })
  })

  router.add('DELETE', '/v1/debates/:id', async ({ res, params, logger }) => {
    const id = params.id ?? ''
    const deleted = await store.deleteDebate(id)
    await cache.del(debateCacheKey(id))
    if (!deleted) throw new ApiError(404, 'debate_not_found', `no debate with id ${id}`)
    logger.info('debate deleted', { debate_id: id })
    res.writeHead(204).end()
  })

  const publicProvider = (id: string) => {
    const provider = config.current.providers[id]
    const result = verifier.get(id)
    if (!provider) return null
    return {
      id,
      name: provider.name,
      models: provider.models,
      enabled: provider.enabled,
      fallback: provider.fallback,
      rate_limit: provider.rate_limit,
      status: result?.status ?? 'pending',
      verified: result?.verified ?? false,
      score: result?.score ?? 0,
      last_verified: result?.last_verified ?? null,
    }
  }

  router.add('GET', '/v1/providers', async ({ res }) => {
    const providers = Object.keys(config.current.providers).map(publicProvider)
    sendJson(res, 200, { providers, count: providers.length })
  })

  router.add('GET', '/v1/providers/verification', async ({ res }) => {
    const summary = verifier.summary()
    sendJson(res, 200, {
      verified: summary.verified,
      failed: summary.failed,
      pending: summary.pending,
      providers: summary.providers.map(({ id, verified, score, last_verified, status, error }) => ({
        id,
        verified,
        score,
        last_verified,
        status,
        error,
      })),
    })
  })

  router.add('POST', '/v1/providers/verify', async ({ req, res, logger }) => {
    const body = parseBody(verifyRequestSchema, await readJsonBody(req))
    if (body.provider === undefined) {
      await verifier.verifyAll(logger)
      sendJson(res, 200, verifier.summary())
      return
    }
    if (!(body.provider in config.current.providers)) {
      throw new ApiError(
        404,
        'provider_not_found',
        `unknown provider "${body.provider}" (configured: ${Object.keys(config.current.providers).join(', ')})`,
      )
    }
    const result =
      body.test === 'auth'
        ? verifier.verifyAuth(body.provider)
        : await verifier.verifyOne(body.provider, logger)
    sendJson(res, 200, { ...result, provider: publicProvider(body.provider) })
  })

  router.add('GET', '/v1/providers/best', async ({ res }) => {
    const best = verifier
      .summary()
      .providers.filter((p) => p.verified)
      .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id))[0]
    if (!best)
      throw new ApiError(
        503,
        'no_verified_provider',
        'no provider is currently verified; see GET /v1/providers/verification',
      )
    sendJson(res, 200, { ...publicProvider(best.id), latency_ms: best.latency_ms })
  })

  router.add('GET', '/v1/providers/:id/health', async ({ res, params, logger }) => {
    const id = params.id ?? ''
    const provider = config.current.providers[id]
    if (!provider) throw new ApiError(404, 'provider_not_found', `unknown provider "${id}"`)
    // A live check, like the real service's health probe.
    const result = provider.enabled ? await verifier.verifyOne(id, logger) : verifier.get(id)
    const faults = deps.faults.forProvider(id)
    const fallback = provider.fallback
    const failingOver =
      faults.down !== undefined && fallback !== null && config.current.providers[fallback]?.enabled === true
    const status = !provider.enabled
      ? 'disabled'
      : result?.verified
        ? 'healthy'
        : result && result.score > 0
          ? 'degraded'
          : 'unhealthy'
    sendJson(res, status === 'healthy' || status === 'disabled' ? 200 : 503, {
      id,
      name: provider.name,
      status,
      healthy: status === 'healthy',
      verified: result?.verified ?? false,
      score: result?.score ?? 0,
      latency_ms: result?.latency_ms ?? null,
      last_verified: result?.last_verified ?? null,
      error: result?.error ?? null,
      checks: result?.checks ?? [],
      rate_limit: provider.rate_limit,
      fallback,
      failover_active: failingOver,
    })
  })

  router.add('POST', '/v1/tasks', async ({ req, res, logger }) => {
    const input = parseBody(taskRequestSchema, await readJsonBody(req))
    const now = new Date().toISOString()
    const task: TaskRecord = {
      id: randomUUID(),
      type: input.type,
      status: 'pending',
      input: input.input,
      result: null,
      error: null,
      created_at: now,
      updated_at: now,
    }
    await store.insertTask(task)
    track(
      runTask(task, logger).catch(async (cause: unknown) => {
        const message = cause instanceof Error ? cause.message : String(cause)
        logger.error('task failed', { task_id: task.id, error: message })
        await store.updateTask(task.id, { status: 'failed', error: message }).catch(() => undefined)
      }),
    )
    sendJson(res, 202, task)
  })

  const taskStatus = async ({ res, params }: Ctx) => {
    const task = await store.getTask(params.id ?? '')
    if (!task) throw new ApiError(404, 'task_not_found', `no task with id ${params.id ?? ''}`)
    sendJson(res, 200, task)
  }
  router.add('GET', '/v1/tasks/:id/status', taskStatus)
  router.add('GET', '/v1/tasks/:id', taskStatus)

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = process.hrtime.bigint()
    const url = new URL(req.url ?? '/', 'http://helixagent.local')
    const method = req.method ?? 'GET'
    const matched = router.match(method, url.pathname)
    const endpoint = matched.route?.template ?? 'unmatched'
    const span = deps.tracer.startServerSpan(
      `${method} ${endpoint}`,
      parseTraceparent(req.headers.traceparent as string | undefined),
    )
    const logger = deps.logger.withTrace(span.traceId)
    res.setHeader('traceparent', span.traceparent())
    res.setHeader('x-helixagent-instance', deps.info.instanceId)
    const proof = proofFor(deps.controlToken ?? null, req.headers[CHALLENGE_HEADER], deps.info.instanceId)
    if (proof !== null) res.setHeader(PROOF_HEADER, proof)

    res.on('close', () => {
      const status = String(res.statusCode)
      const seconds = Number(process.hrtime.bigint() - started) / 1e9
      metrics.requestsTotal.inc({ method, endpoint, status })
      metrics.requestDuration.observe({ method, endpoint }, seconds)
      span
        .setAttribute('http.request.method', method)
        .setAttribute('http.route', endpoint)
        .setAttribute('http.response.status_code', res.statusCode)
      span.end(res.statusCode >= 500)
      const fields = {
        method,
        path: url.pathname,
        endpoint,
        status: res.statusCode,
        duration_ms: Math.round(seconds * 1000),
      }
      if (QUIET_ENDPOINTS.has(endpoint) && res.statusCode < 400) logger.debug('request completed', fields)
      else logger.info('request completed', fields)
    })

    try {
      // Before any work (and before the `slow` fault), so a request that dies with the instance counts.
      deps.executions?.record(req.headers[EXECUTION_HEADER])
      // The instance-wide `slow` fault; /metrics stays fast so Prometheus keeps scraping.
      const slowMs = deps.faults.instanceSlowMs()
      if (slowMs > 0 && endpoint !== '/metrics') await sleep(slowMs)
      if (!matched.route) {
        if (matched.allowed.length > 0)
          throw new ApiError(
            405,
            'method_not_allowed',
            `${method} is not allowed here; use ${matched.allowed.join(', ')}`,
            { allow: matched.allowed.join(', ') },
          )
        throw new ApiError(404, 'not_found', `no route for ${method} ${url.pathname}`)
      }
      await matched.route.handler({ req, res, url, params: matched.params, logger, span })
    } catch (cause) {
      if (res.headersSent) {
        res.destroy()
        return
      }
      if (cause instanceof ApiError) {
        sendJson(res, cause.status, errorBody(cause.status, cause.code, cause.message), cause.headers)
      } else if (cause instanceof StoreUnavailableError) {
        logger.error('database unavailable', { error: cause.message })
        sendJson(
          res,
          503,
          errorBody(503, 'database_unavailable', `the database is unavailable: ${cause.message}`),
        )
      } else {
        logger.error('unhandled error', {
          error: cause instanceof Error ? (cause.stack ?? cause.message) : String(cause),
        })
        sendJson(res, 500, errorBody(500, 'internal_error', 'internal error; see the service logs'))
      }
    }
  }

  const server = createServer((req, res) => void handle(req, res))
  return {
    server,
    drain: async () => {
      while (background.size > 0) await Promise.allSettled([...background])
    },
  }
}

import { timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { z } from 'zod'
import type { ConfigHolder } from './config-holder'
import { formatZodError } from './config'
import type { ExecutionLog } from './executions'
import { faultRequestSchema, PROVIDER_FAULT_KINDS, type FaultState, type ProviderFaultKind } from './faults'
import { ApiError, errorBody, readJsonBody, sendJson } from './http-kit'
import type { Logger } from './logger'
import { redact } from './redact'
import type { Verifier } from './verifier'

const seedRequestSchema = z.strictObject({ seed: z.string().min(1).max(128) })

/**
 * The fault/control listener, on its own port and behind a bearer token that only the
 * lab-runner and grader hold: learners must find faults through the public surface.
 *
 *   GET    /faults                          active faults
 *   POST   /faults                          {kind, provider?, ...params}
 *   DELETE /faults                          clear everything
 *   DELETE /faults/instance                 clear `slow`
 *   DELETE /faults/providers/:id[/:kind]    clear one provider's faults
 *   GET    /status                          faults + the running config (secrets redacted)
 *   PUT    /seed                            {seed}: the learner's seed, on a warm-pool claim
 *   GET    /executions/:id                  {id, count}: arrivals of x-academy-execution: id
 */
export function createControlServer(deps: {
  token: string
  faults: FaultState
  verifier: Verifier
  config: ConfigHolder
  logger: Logger
  crash: (exitCode: number) => void
  reseed: (seed: string) => Promise<void>
  executions?: ExecutionLog | null
}): Server {
  const expected = Buffer.from(`Bearer ${deps.token}`)
  const authorised = (req: IncomingMessage) => {
    const given = Buffer.from(req.headers.authorization ?? '')
    return given.length === expected.length && timingSafeEqual(given, expected)
  }

  const reverify = async (provider?: string) => {
    // Faults show at once in the API and metrics, not only after the next timer tick.
    if (provider === undefined) await deps.verifier.verifyAll()
    else await deps.verifier.verifyOne(provider)
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!authorised(req)) throw new ApiError(401, 'unauthorized', 'missing or wrong bearer token')
    const url = new URL(req.url ?? '/', 'http://control.local')
    const parts = url.pathname.split('/').filter(Boolean)
    const method = req.method ?? 'GET'

    if (method === 'GET' && url.pathname === '/faults') return sendJson(res, 200, deps.faults.list())
    if (method === 'GET' && url.pathname === '/status') {
      return sendJson(res, 200, {
        faults: deps.faults.list(),
        config_loaded_at: deps.config.loadedAt.toISOString(),
        config: redact(deps.config.current),
        verification: deps.verifier.summary(),
      })
    }
    if (method === 'PUT' && url.pathname === '/seed') {
      const parsed = seedRequestSchema.safeParse(await readJsonBody(req))
      if (!parsed.success) throw new ApiError(400, 'invalid_seed', formatZodError(parsed.error))
      await deps.reseed(parsed.data.seed)
      return sendJson(res, 200, { status: 'reseeded' })
    }
    if (method === 'GET' && parts[0] === 'executions' && parts[1] && parts.length === 2) {
      return sendJson(res, 200, { id: parts[1], count: deps.executions?.count(parts[1]) ?? 0 })
    }
    if (method === 'POST' && url.pathname === '/faults') {
      const parsed = faultRequestSchema.safeParse(await readJsonBody(req))
      if (!parsed.success) throw new ApiError(400, 'invalid_fault', formatZodError(parsed.error))
      const fault = parsed.data
      if (fault.kind === 'crash') {
        deps.logger.error('crash fault injected: exiting', {
          exit_code: fault.exit_code,
          delay_ms: fault.delay_ms,
        })
        sendJson(res, 202, { status: 'crashing', exit_code: fault.exit_code, delay_ms: fault.delay_ms })
        setTimeout(() => deps.crash(fault.exit_code), fault.delay_ms)
        return
      }
      if (fault.kind !== 'slow' && !(fault.provider in deps.config.current.providers)) {
        throw new ApiError(404, 'provider_not_found', `unknown provider "${fault.provider}"`)
      }
      deps.faults.apply(fault)
      deps.logger.debug('fault injected', { fault })
      await reverify(fault.kind === 'slow' ? undefined : fault.provider)
      return sendJson(res, 201, deps.faults.list())
    }
    if (method === 'DELETE' && url.pathname === '/faults') {
      deps.faults.clearAll()
      await reverify()
      return sendJson(res, 200, deps.faults.list())
    }
    if (method === 'DELETE' && url.pathname === '/faults/instance') {
      deps.faults.clearInstance()
      return sendJson(res, 200, deps.faults.list())
    }
    if (
      method === 'DELETE' &&
      parts[0] === 'faults' &&
      parts[1] === 'providers' &&
      parts[2] &&
      parts.length <= 4
    ) {
      const kind = parts[3]
      if (kind !== undefined && !PROVIDER_FAULT_KINDS.includes(kind as ProviderFaultKind)) {
        throw new ApiError(
          400,
          'invalid_fault',
          `unknown fault kind "${kind}" (one of ${PROVIDER_FAULT_KINDS.join(', ')})`,
        )
      }
      deps.faults.clearProvider(parts[2], kind as ProviderFaultKind | undefined)
      if (parts[2] in deps.config.current.providers) await reverify(parts[2])
      return sendJson(res, 200, deps.faults.list())
    }
    throw new ApiError(404, 'not_found', `no control route for ${method} ${url.pathname}`)
  }

  return createServer((req, res) => {
    handle(req, res).catch((cause: unknown) => {
      if (cause instanceof ApiError)
        sendJson(res, cause.status, errorBody(cause.status, cause.code, cause.message))
      else
        sendJson(
          res,
          500,
          errorBody(500, 'internal_error', cause instanceof Error ? cause.message : String(cause)),
        )
    })
  })
}

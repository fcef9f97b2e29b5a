import 'server-only'
// Typed calls to the lab-runner's REST API (contracts/runner-api.ts). The service token stays
// on the server. Expected failures (engine down, sandbox gone, queue, refusals) come back as
// `{ ok: false, code, message }` results, never as exceptions.
import type { DashboardResult } from '@/contracts/dashboard'
import type {
  ConfigurePoolsRequest,
  CreateSandboxRequest,
  CreateSandboxResponse,
  PoolPlan,
  PoolsStatus,
  RunnerErrorBody,
  RunnerErrorCode,
  SandboxStatus,
  SandboxSummary,
  StepScriptResponse,
} from '@/contracts/runner-api'
import { currentRequest, REQUEST_ID_HEADER } from '@/server/log/log'

export interface RunnerFileEntry {
  host: string
  path: string
  size: number | null
}

export interface RunnerFile {
  path: string
  content: string
  size: number
}

/** The runner's error codes; `engine-unavailable` also stands for "no answer" and `internal` for "unreadable answer". */
export type RunnerFailureCode = RunnerErrorCode

export type RunnerResult<T> =
  { ok: true; value: T } | { ok: false; code: RunnerFailureCode; message: string; status: number }

export interface RunnerClientOptions {
  /** e.g. http://127.0.0.1:4100 */
  baseUrl: string
  /** Undefined when the platform was started without a runner: every call says engine-unavailable. */
  token: string | undefined
  timeoutMs?: number
}

const DEFAULT_TIMEOUT_MS = 15_000
/** Checks run with their own hard timeout (max 600 s) inside the runner; wait a little longer. */
const CHECK_TIMEOUT_MS = 620_000
/** A dashboard runs up to 12 queries of at most 5 s each, 4 at a time, after reading its file. */
const DASHBOARD_TIMEOUT_MS = 30_000

export interface RunnerStatus {
  version: string
  pid: number
  uptimeSeconds: number
  engine: 'reachable' | 'unreachable'
  capacity: { live: number; starting: number; queued: number; max: number }
  recentErrors: { time: string; message: string; requestId?: string; fields: Record<string, unknown> }[]
}

export type RunnerClient = ReturnType<typeof createRunnerClient>

export function createRunnerClient(options: RunnerClientOptions) {
  const base = options.baseUrl.replace(/\/$/, '')

  async function call<T>(
    method: string,
    path: string,
    body?: unknown,
    timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  ): Promise<RunnerResult<T>> {
    if (!options.token) {
      return {
        ok: false,
        code: 'engine-unavailable',
        message: 'The lab engine is not configured (RUNNER_SERVICE_TOKEN is not set).',
        status: 503,
      }
    }
    let res: Response
    try {
      res = await fetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${options.token}`,
          ...requestIdHeader(),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
        cache: 'no-store',
      })
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError'
      return {
        ok: false,
        code: 'engine-unavailable',
        message: timedOut
          ? `The lab engine did not answer within ${Math.round(timeoutMs / 1000)} s.`
          : 'The lab engine is not reachable.',
        status: 503,
      }
    }
    const text = await res.text()
    let json: unknown
    try {
      json = text === '' ? {} : JSON.parse(text)
    } catch {
      return {
        ok: false,
        code: 'internal',
        message: `The lab engine sent an unreadable answer (HTTP ${res.status}).`,
        status: 502,
      }
    }
    if (!res.ok) {
      const error = (json as Partial<RunnerErrorBody>).error
      return {
        ok: false,
        code: error?.code ?? 'internal',
        message: error?.message ?? `The lab engine answered HTTP ${res.status}.`,
        status: res.status,
      }
    }
    return { ok: true, value: json as T }
  }

  const sandbox = (id: string) => `/v1/sandboxes/${encodeURIComponent(id)}`
  const fileQuery = (host: string, path?: string) =>
    `?${new URLSearchParams(path === undefined ? { host } : { host, path }).toString()}`

  return {
    createSandbox: (request: CreateSandboxRequest) =>
      call<CreateSandboxResponse>('POST', '/v1/sandboxes', request),
    getSandbox: async (id: string) =>
      unwrap(await call<{ sandbox: SandboxStatus }>('GET', sandbox(id)), (v) => v.sandbox),
    listSandboxes: async (userId: string) =>
      unwrap(
        await call<{ sandboxes: SandboxSummary[] }>(
          'GET',
          `/v1/sandboxes?${new URLSearchParams({ userId }).toString()}`,
        ),
        (v) => v.sandboxes,
      ),
    extendSandbox: async (id: string) =>
      unwrap(await call<{ sandbox: SandboxSummary }>('POST', `${sandbox(id)}/extend`), (v) => v.sandbox),
    /** "Keep my lab": counts as learner activity, so the idle clock starts again. */
    keepSandbox: async (id: string) =>
      unwrap(await call<{ sandbox: SandboxStatus }>('POST', `${sandbox(id)}/activity`), (v) => v.sandbox),
    resetSandbox: async (id: string) =>
      unwrap(await call<{ sandbox: SandboxSummary }>('POST', `${sandbox(id)}/reset`), (v) => v.sandbox),
    deleteSandbox: async (id: string) =>
      unwrap(await call<{ sandbox: SandboxSummary }>('DELETE', sandbox(id)), (v) => v.sandbox),
    mintTicket: (id: string, request: { userId: string; host: string; mode: 'rw' | 'ro'; tab?: string }) =>
      call<{ ticket: string; expiresAt: string }>('POST', `${sandbox(id)}/tickets`, request),
    mintProxyTicket: (id: string, request: { userId: string; host: string; port: number }) =>
      call<{ url: string; ticket: string; expiresAt: string }>(
        'POST',
        `${sandbox(id)}/proxy-tickets`,
        request,
      ),
    listFiles: async (id: string, host: string) =>
      unwrap(
        await call<{ files: RunnerFileEntry[] }>('GET', `${sandbox(id)}/files${fileQuery(host)}`),
        (v) => v.files,
      ),
    readFile: (id: string, host: string, path: string) =>
      call<RunnerFile>('GET', `${sandbox(id)}/files${fileQuery(host, path)}`),
    writeFile: (id: string, host: string, path: string, content: string) =>
      call<{ path: string; size: number }>('PUT', `${sandbox(id)}/files${fileQuery(host, path)}`, {
        content,
      }),
    runStepScript: async (id: string, stepId: string, kind: 'check' | 'solve') =>
      unwrap(
        await call<StepScriptResponse>(
          'POST',
          `${sandbox(id)}/steps/${encodeURIComponent(stepId)}/${kind}`,
          undefined,
          CHECK_TIMEOUT_MS,
        ),
        (v) => v.result,
      ),
    getDashboard: (id: string, rangeS: number) =>
      call<DashboardResult>(
        'GET',
        `${sandbox(id)}/dashboard?${new URLSearchParams({ range: String(rangeS) }).toString()}`,
        undefined,
        DASHBOARD_TIMEOUT_MS,
      ),
    /** Version, capacity, engine and recent errors, for the admin status page (GET /v1/status). */
    status: () => call<RunnerStatus>('GET', '/v1/status', undefined, 5_000),
    /** Warm pools (issue 13): the whole desired state, and what the runner holds. */
    configurePools: (request: ConfigurePoolsRequest) => call<PoolsStatus>('PUT', '/v1/pools', request),
    getPools: () => call<PoolsStatus>('GET', '/v1/pools'),
    planPool: async (labSlug: string, seats: number) =>
      unwrap(
        await call<{ plan: PoolPlan }>(
          'GET',
          `/v1/pools/plan?${new URLSearchParams({ labSlug, seats: String(seats) }).toString()}`,
        ),
        (v) => v.plan,
      ),
    health: async (): Promise<RunnerResult<{ engine: string }>> => {
      try {
        const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(3_000), cache: 'no-store' })
        if (res.ok) return { ok: true, value: (await res.json()) as { engine: string } }
        return {
          ok: false,
          code: 'engine-unavailable',
          message: 'The lab engine cannot reach Docker.',
          status: res.status,
        }
      } catch {
        return {
          ok: false,
          code: 'engine-unavailable',
          message: 'The lab engine is not reachable.',
          status: 503,
        }
      }
    },
  }
}

/** The web request's id travels with every call, so the runner's log lines name it too. */
function requestIdHeader(): Record<string, string> {
  const context = currentRequest()
  return context ? { [REQUEST_ID_HEADER]: context.requestId } : {}
}

function unwrap<T, U>(result: RunnerResult<T>, pick: (value: T) => U): RunnerResult<U> {
  return result.ok ? { ok: true, value: pick(result.value) } : result
}

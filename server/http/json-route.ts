import 'server-only'
// The one wrapper of the web app's JSON route handlers: authentication (each API says how),
// one JSON body reader, zod-validated input, JSON out, AppError → HTTP and request timing
// (the latency histogram by route pattern) in one place.
// Handlers throw AppError for expected failures and never catch it themselves.
import { z } from 'zod'
import { describeZodIssues } from '@/contracts/lab-definition'
import { AppError } from '@/server/errors'
import { routePattern, timeRequest } from '@/server/metrics/metrics'

const NO_STORE = { 'cache-control': 'no-store' }

/** Who is calling: the actor, or the answer to send instead (401/403 with the API's own words). */
export type Authenticate<A> = (
  request: Request,
) => Promise<{ ok: true; actor: A } | { ok: false; response: Response }>

export interface JsonRouteArgs<A, B, Q> {
  request: Request
  actor: A
  /** The validated body (non-GET requests). */
  body: B
  /** The validated query string. */
  query: Q
  params: Record<string, string>
}

export interface JsonRouteOptions<A, BS extends z.ZodType, QS extends z.ZodType> {
  authenticate: Authenticate<A>
  /** Schema of the JSON body of a non-GET request; without one, the body must be an object. */
  body?: BS
  query?: QS
  /** Bodies larger than this are refused with 413. */
  maxBodyBytes?: number
}

type RouteContext = { params?: Promise<Record<string, string>> }

const DEFAULT_MAX_BODY_BYTES = 16 * 1024
/** Without a schema the body must still be a JSON object (never an array or a bare value). */
const anyObject = z.record(z.string(), z.unknown())

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers: { ...NO_STORE, ...headers } })
}

/** The one error body of the web app's JSON APIs: `{ error: <message for the user>, code }` (and when to retry). */
export function errorResponse(error: AppError): Response {
  const retry = error.retryAfterSeconds
  if (retry === undefined) return jsonResponse(error.status, { error: error.message, code: error.code })
  return jsonResponse(
    error.status,
    { error: error.message, code: error.code, retryAfterSeconds: retry },
    { 'retry-after': String(retry) },
  )
}

/**
 * The one JSON body reader. Requiring `application/json` makes a cross-site form post impossible
 * (it would need a CORS preflight). Wrong type → 415, too large → 413, not JSON → 400.
 */
export async function readJsonBody(request: Request, maxBytes = DEFAULT_MAX_BODY_BYTES): Promise<unknown> {
  if (!request.headers.get('content-type')?.startsWith('application/json')) {
    throw new AppError('unsupported-type', 'Send the request body as application/json.')
  }
  const text = await request.text()
  if (text.length > maxBytes)
    throw new AppError('too-large', `The request body is larger than ${maxBytes} bytes.`)
  if (text === '') return {}
  try {
    return JSON.parse(text)
  } catch {
    throw new AppError('invalid', 'The request body is not valid JSON.')
  }
}

/** Validates `value` against `schema`; the AppError names every bad field. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value)
  if (parsed.success) return parsed.data
  const issues = describeZodIssues(parsed.error.issues).map((i) =>
    i.path === '(root)' ? i.message : `${i.path}: ${i.message}`,
  )
  throw new AppError('invalid', `Invalid ${what}: ${issues.join('; ')}.`)
}

export function jsonRoute<
  A,
  R,
  BS extends z.ZodType = z.ZodType<Record<string, unknown>>,
  QS extends z.ZodType = z.ZodType<URLSearchParams>,
>(
  options: JsonRouteOptions<A, BS, QS>,
  handler: (args: JsonRouteArgs<A, z.output<BS>, z.output<QS>>) => Promise<R>,
) {
  return async (request: Request, context: RouteContext = {}): Promise<Response> => {
    const params = (await context.params) ?? {}
    const route = routePattern(new URL(request.url).pathname, params)
    return timeRequest(route, request.method, () => answer(request, params))
  }

  async function answer(request: Request, params: Record<string, string>): Promise<Response> {
    const auth = await options.authenticate(request)
    if (!auth.ok) return auth.response
    try {
      const url = new URL(request.url)
      const query = options.query
        ? parseInput(options.query, Object.fromEntries(url.searchParams), 'query')
        : url.searchParams
      let body: unknown = {}
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        const raw = await readJsonBody(request, options.maxBodyBytes)
        body = parseInput(options.body ?? anyObject, raw, 'request body')
      }
      const result = await handler({
        request,
        actor: auth.actor,
        body: body as z.output<BS>,
        query: query as z.output<QS>,
        params,
      })
      return jsonResponse(200, result ?? { ok: true })
    } catch (error) {
      if (error instanceof AppError) return errorResponse(error)
      throw error
    }
  }
}

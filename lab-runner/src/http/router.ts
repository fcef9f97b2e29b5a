// A small router over node:http: method + path pattern (`/v1/sandboxes/:id`), a JSON body
// reader with a size limit, zod validation helpers, and one place that maps errors to HTTP.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { z } from 'zod'
import { describeZodIssues } from '../../../contracts/lab-definition'
import { HttpError, sendError, sendJson } from './http-error'

export interface RouteContext {
  req: IncomingMessage
  res: ServerResponse
  params: Record<string, string>
  query: URLSearchParams
  /** Reads and validates the JSON body. */
  body<T extends z.ZodType>(schema: T): Promise<z.infer<T>>
  /** Validates the query string (as a plain object of single values). */
  queryAs<T extends z.ZodType>(schema: T): z.infer<T>
}

/** A handler returns `{ status, body }`, or `undefined` when it wrote the response itself. */
export type RouteHandler = (ctx: RouteContext) => Promise<{ status: number; body: unknown } | undefined>

interface Route {
  method: string
  pattern: RegExp
  names: string[]
  handler: RouteHandler
}

const MAX_BODY_BYTES = 2 * 1024 * 1024

export class Router {
  private readonly routes: Route[] = []

  add(method: string, path: string, handler: RouteHandler): this {
    const names: string[] = []
    const source = path
      .split('/')
      .map((part) => {
        if (part === '*') {
          names.push('rest')
          return '(.*)'
        }
        if (!part.startsWith(':')) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
        names.push(part.slice(1))
        return '([^/]+)'
      })
      .join('/')
    this.routes.push({ method, pattern: new RegExp(`^${source}$`), names, handler })
    return this
  }

  /** Returns false when no route matches the path (so another handler may take it). */
  async handle(
    req: IncomingMessage,
    res: ServerResponse,
    onUnexpected: (error: unknown) => void,
  ): Promise<boolean> {
    const url = new URL(req.url ?? '/', 'http://runner.invalid')
    const matches = this.routes
      .map((route) => ({ route, match: route.pattern.exec(url.pathname) }))
      .filter((m): m is { route: Route; match: RegExpExecArray } => m.match !== null)
    if (matches.length === 0) return false
    const hit = matches.find((m) => m.route.method === req.method)
    try {
      if (!hit)
        throw new HttpError(405, 'method-not-allowed', `${req.method} is not allowed on ${url.pathname}`)
      const params: Record<string, string> = {}
      hit.route.names.forEach((name, i) => (params[name] = decodeURIComponent(hit.match[i + 1] ?? '')))
      const ctx: RouteContext = {
        req,
        res,
        params,
        query: url.searchParams,
        body: async (schema) => validate(schema, await readJson(req), 'body'),
        queryAs: (schema) => validate(schema, Object.fromEntries(url.searchParams), 'query'),
      }
      const reply = await hit.route.handler(ctx)
      if (reply) sendJson(res, reply.status, reply.body)
    } catch (error) {
      if (error instanceof HttpError) sendError(res, error)
      else {
        onUnexpected(error)
        if (!res.headersSent)
          sendError(res, new HttpError(500, 'internal', 'unexpected runner error; see the runner log'))
        else res.destroy()
      }
    }
    return true
  }
}

function validate<T extends z.ZodType>(schema: T, value: unknown, where: string): z.infer<T> {
  const parsed = schema.safeParse(value)
  if (parsed.success) return parsed.data
  const issues = describeZodIssues(parsed.error.issues)
  throw new HttpError(
    400,
    'invalid-request',
    `invalid ${where}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
    issues,
  )
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY_BYTES)
      throw new HttpError(413, 'too-large', `request body over ${MAX_BODY_BYTES} bytes`)
    chunks.push(chunk as Buffer)
  }
  if (size === 0) return {}
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'))
  } catch {
    throw new HttpError(400, 'invalid-request', 'the body is not valid JSON')
  }
}

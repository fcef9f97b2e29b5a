import type { IncomingMessage, ServerResponse } from 'node:http'

/** An expected failure a handler reports; one wrapper turns it into an OpenAI-shaped error. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

export function errorBody(status: number, code: string, message: string) {
  const type =
    status === 429
      ? 'rate_limit_error'
      : status === 401
        ? 'authentication_error'
        : status >= 500
          ? 'server_error'
          : 'invalid_request_error'
  return { error: { message, type, code } }
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  })
  res.end(text)
}

const MAX_BODY_BYTES = 1024 * 1024

/** Reads a JSON body; an empty body is `{}` so `curl -X POST` without data works. */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    const buffer = chunk as Buffer
    size += buffer.length
    if (size > MAX_BODY_BYTES) throw new ApiError(413, 'body_too_large', 'request body exceeds 1 MiB')
    chunks.push(buffer)
  }
  const text = Buffer.concat(chunks).toString('utf8').trim()
  if (text === '') return {}
  try {
    return JSON.parse(text) as unknown
  } catch {
    throw new ApiError(400, 'invalid_json', 'request body is not valid JSON')
  }
}

export interface Route<Ctx> {
  method: string
  template: string
  segments: string[]
  handler: (ctx: Ctx) => Promise<void>
}

/** Literal segments are tried in registration order; register literals before `:params`. */
export class Router<Ctx> {
  private readonly routes: Route<Ctx>[] = []

  add(method: string, template: string, handler: (ctx: Ctx) => Promise<void>): this {
    this.routes.push({ method, template, segments: template.split('/').filter(Boolean), handler })
    return this
  }

  match(
    method: string,
    pathname: string,
  ): { route: Route<Ctx>; params: Record<string, string> } | { route: null; allowed: string[] } {
    const parts = pathname.split('/').filter(Boolean)
    const allowed: string[] = []
    for (const route of this.routes) {
      if (route.segments.length !== parts.length) continue
      const params: Record<string, string> = {}
      const matches = route.segments.every((segment, index) => {
        const part = parts[index] ?? ''
        if (segment.startsWith(':')) {
          params[segment.slice(1)] = decodeURIComponent(part)
          return true
        }
        return segment === part
      })
      if (!matches) continue
      if (route.method === method || (method === 'HEAD' && route.method === 'GET')) return { route, params }
      allowed.push(route.method)
    }
    return { route: null, allowed }
  }
}

import { toNextJsHandler } from 'better-auth/next-js'
import { getAuth } from '@/server/auth'
import { metrics, timeRequest } from '@/server/metrics/metrics'

export function GET(request: Request) {
  return timeRequest('/api/auth', 'GET', () => toNextJsHandler(getAuth().handler).GET(request))
}

export async function POST(request: Request) {
  const response = await timeRequest('/api/auth', 'POST', () =>
    toNextJsHandler(getAuth().handler).POST(request),
  )
  if (new URL(request.url).pathname.endsWith('/sign-in/email') && response.status >= 400) {
    metrics().signInFailures.inc({ status: String(response.status) })
  }
  return response
}

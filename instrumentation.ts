// Next.js calls onRequestError for every uncaught error of a page, route handler or server
// action: log it with the request's id and keep it for the admin status page (decision 027).
import type { Instrumentation } from 'next'

export const onRequestError: Instrumentation.onRequestError = async (error, request, context) => {
  const { recordError } = await import('./server/admin/record-error')
  const err = error as Error & { digest?: string }
  await recordError('request failed', {
    method: request.method,
    // The path only: a query string may carry tokens.
    path: request.path.split('?')[0],
    route: context.routePath,
    kind: `${context.routerKind} ${context.routeType}`,
    error: (err.message ?? String(error)).slice(0, 500),
    ...(err.digest ? { digest: err.digest } : {}),
  })
}

// Next.js start-up hook: each web instance pushes the warm-pool state to the runner on a timer
// (server/pools/pool-sync.ts), so scheduled sessions warm up without a page being open.
export async function register(): Promise<void> {
  // Set by Next.js itself (not configuration): the edge runtime cannot load server code.
  // eslint-disable-next-line no-restricted-syntax
  if (process.env['NEXT_RUNTIME'] !== 'nodejs') return
  const { startPoolSync } = await import('./server/pools/pool-sync')
  startPoolSync()
}

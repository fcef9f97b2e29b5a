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

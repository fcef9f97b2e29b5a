import 'server-only'
// GET /api/metrics for Prometheus: only with `Authorization: Bearer <METRICS_TOKEN>`. Without a
// configured token the endpoint does not exist, so no install exposes metrics by accident.
import { timingSafeEqual } from 'node:crypto'
import { webConfig } from '@/server/config'
import { metrics } from './metrics'

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

export async function metricsResponse(
  request: Request,
  token = webConfig().METRICS_TOKEN,
): Promise<Response> {
  if (!token)
    return Response.json({ error: 'Metrics are off: set METRICS_TOKEN to turn them on.' }, { status: 404 })
  const given = /^Bearer (.+)$/.exec(request.headers.get('authorization') ?? '')?.[1] ?? ''
  if (!sameToken(given, token)) {
    return Response.json(
      { error: 'Send the metrics token as "Authorization: Bearer <METRICS_TOKEN>".' },
      { status: 401 },
    )
  }
  const { registry } = metrics()
  return new Response(await registry.metrics(), {
    headers: { 'content-type': registry.contentType, 'cache-control': 'no-store' },
  })
}

import { metricsResponse } from '@/server/metrics/metrics-response'

export const dynamic = 'force-dynamic'

/** Prometheus scrape endpoint (bearer token: METRICS_TOKEN). */
export function GET(request: Request) {
  return metricsResponse(request)
}

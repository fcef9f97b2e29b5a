import { checkReadiness } from '@/server/health/check-readiness'

export const dynamic = 'force-dynamic'

/** Readiness for load balancers: 503 until the database is reachable and fully migrated. */
export async function GET() {
  const readiness = await checkReadiness()
  return Response.json(readiness, {
    status: readiness.status === 'not-ready' ? 503 : 200,
    headers: { 'cache-control': 'no-store' },
  })
}

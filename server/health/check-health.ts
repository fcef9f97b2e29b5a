import 'server-only'
import { db } from '@/server/db'

export interface Health {
  status: 'ok' | 'degraded'
  app: { status: 'ok'; uptimeS: number }
  database: { status: 'ok' | 'down'; latencyMs?: number; error?: string }
}

const DB_TIMEOUT_MS = 2_000

export async function checkHealth(): Promise<Health> {
  const app = { status: 'ok' as const, uptimeS: Math.round(process.uptime()) }
  const started = performance.now()
  try {
    await Promise.race([
      db().$queryRaw`select 1`,
      new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), DB_TIMEOUT_MS)),
    ])
    return {
      status: 'ok',
      app,
      database: { status: 'ok', latencyMs: Math.round(performance.now() - started) },
    }
  } catch (error) {
    // The reason is for operators; it never includes the connection string.
    const reason = error instanceof Error && error.message === 'timed out' ? 'timed out' : 'unreachable'
    return { status: 'degraded', app, database: { status: 'down', error: reason } }
  }
}

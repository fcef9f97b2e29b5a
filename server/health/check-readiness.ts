import 'server-only'
// Readiness (GET /api/ready), separate from liveness (/api/health): may this instance take
// learners' traffic? It needs the database and a schema with every migration of this release.
// The lab engine is reported but does not make the instance unready: without it every page
// but the labs works, and taking all web instances out of a load balancer would be worse.
import { readdir } from 'node:fs/promises'
import path from 'node:path'
import { db } from '@/server/db'
import { runner } from '@/server/labs/runner'

export interface Readiness {
  status: 'ready' | 'degraded' | 'not-ready'
  database: { status: 'ok' | 'down' }
  migrations: { status: 'ok' | 'pending' | 'unknown'; pending?: string[] }
  runner: { status: 'ok' | 'down' }
}

const TIMEOUT_MS = 2_000

function withTimeout<T>(work: Promise<T>): Promise<T> {
  return Promise.race([
    work,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timed out')), TIMEOUT_MS)),
  ])
}

async function releaseMigrations(): Promise<string[]> {
  const entries = await readdir(path.join(process.cwd(), 'prisma/migrations'), { withFileTypes: true })
  return entries.filter((e) => e.isDirectory()).map((e) => e.name)
}

export async function checkReadiness(): Promise<Readiness> {
  const [applied, expected, engine] = await Promise.all([
    withTimeout(
      db().$queryRaw<{ name: string }[]>`select migration_name as name from _prisma_migrations
        where finished_at is not null and rolled_back_at is null`,
    ).catch(() => undefined),
    releaseMigrations().catch(() => undefined),
    runner().health(),
  ])
  const database = { status: applied ? ('ok' as const) : ('down' as const) }
  let migrations: Readiness['migrations'] = { status: 'unknown' }
  if (applied && expected) {
    const names = new Set(applied.map((r) => r.name))
    const pending = expected.filter((name) => !names.has(name)).sort()
    migrations = pending.length === 0 ? { status: 'ok' } : { status: 'pending', pending }
  }
  const runnerState = { status: engine.ok ? ('ok' as const) : ('down' as const) }
  const status =
    database.status !== 'ok' || migrations.status === 'pending'
      ? 'not-ready'
      : runnerState.status === 'ok'
        ? 'ready'
        : 'degraded'
  return { status, database, migrations, runner: runnerState }
}

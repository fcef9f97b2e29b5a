import 'server-only'
// What the admin status page shows (decision 027): this web app instance, the database (and how
// long a round trip takes), the lab-runner and its Docker engine, sandbox capacity, and the
// latest errors of every web app instance (from the database) and of the runner.
import pkg from '@/package.json'
import { db } from '@/server/db'
import { AppError } from '@/server/errors'
import type { RunnerClient, RunnerStatus } from '@/server/labs/runner-client'
import type { CurrentUser } from '@/server/session/current-user'
import { instanceName } from './record-error'

export interface StatusError {
  at: string
  source: 'web' | 'runner'
  instance: string
  requestId: string | null
  message: string
  detail: Record<string, unknown>
}

export interface AdminStatus {
  web: { instance: string; pid: number; version: string; uptimeSeconds: number; node: string }
  database: { reachable: true; latencyMs: number } | { reachable: false; message: string }
  runner:
    | { reachable: true; version: string; pid: number; uptimeSeconds: number }
    | { reachable: false; message: string }
  engine: 'reachable' | 'unreachable' | 'unknown'
  capacity: RunnerStatus['capacity'] | null
  recentErrors: StatusError[]
}

const SHOWN_ERRORS = 20
const DATABASE_TIMEOUT_MS = 3_000

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms)),
  ])
}

async function databaseStatus(): Promise<{ status: AdminStatus['database']; errors: StatusError[] }> {
  const started = performance.now()
  try {
    await withTimeout(db().$queryRaw`select 1`, DATABASE_TIMEOUT_MS, 'select 1')
    const latencyMs = Math.round((performance.now() - started) * 10) / 10
    const rows = await db().errorLogEntry.findMany({ orderBy: { at: 'desc' }, take: SHOWN_ERRORS })
    return {
      status: { reachable: true, latencyMs },
      errors: rows.map((r) => ({
        at: r.at.toISOString(),
        source: 'web',
        instance: r.instance,
        requestId: r.requestId,
        message: r.message,
        detail: (r.detail ?? {}) as Record<string, unknown>,
      })),
    }
  } catch (error) {
    return { status: { reachable: false, message: (error as Error).message }, errors: [] }
  }
}

export async function assembleStatus({
  actor,
  runner,
}: {
  actor: CurrentUser
  runner: RunnerClient
}): Promise<AdminStatus> {
  if (actor.role !== 'admin') throw new AppError('forbidden', 'Only admins can see the platform status.')
  const [database, runnerStatus] = await Promise.all([databaseStatus(), runner.status()])
  const runnerErrors: StatusError[] = runnerStatus.ok
    ? runnerStatus.value.recentErrors.map((e) => ({
        at: e.time,
        source: 'runner',
        instance: `lab-runner:${runnerStatus.value.pid}`,
        requestId: e.requestId ?? null,
        message: e.message,
        detail: e.fields,
      }))
    : []
  return {
    web: {
      instance: instanceName(),
      pid: process.pid,
      version: pkg.version,
      uptimeSeconds: Math.round(process.uptime()),
      node: process.version,
    },
    database: database.status,
    runner: runnerStatus.ok
      ? {
          reachable: true,
          version: runnerStatus.value.version,
          pid: runnerStatus.value.pid,
          uptimeSeconds: runnerStatus.value.uptimeSeconds,
        }
      : { reachable: false, message: runnerStatus.message },
    engine: runnerStatus.ok ? runnerStatus.value.engine : 'unknown',
    capacity: runnerStatus.ok ? runnerStatus.value.capacity : null,
    recentErrors: [...database.errors, ...runnerErrors]
      .sort((a, b) => b.at.localeCompare(a.at))
      .slice(0, SHOWN_ERRORS),
  }
}

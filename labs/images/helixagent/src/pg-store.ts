import pg from 'pg'
import type { Logger } from './logger'
import {
  StoreUnavailableError,
  type DebatePatch,
  type DebateRecord,
  type DependencyStatus,
  type Store,
  type TaskPatch,
  type TaskRecord,
} from './store'

export interface PgConnection {
  host: string
  port: number
  user: string
  password?: string
  database: string
}

/**
 * Tables the course's tuning video indexes (`tasks(status, created_at)`, `debates.topic`).
 * Created on start-up if absent, under an advisory lock so three instances starting together
 * do not race on CREATE TABLE.
 */
export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS debates (
  id           text PRIMARY KEY,
  topic        text NOT NULL,
  status       text NOT NULL,
  rounds       integer NOT NULL,
  participants jsonb NOT NULL DEFAULT '[]'::jsonb,
  result       jsonb,
  confidence   double precision,
  error        text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS tasks (
  id         text PRIMARY KEY,
  type       text NOT NULL,
  status     text NOT NULL,
  input      jsonb NOT NULL DEFAULT '{}'::jsonb,
  result     jsonb,
  error      text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);`

const SCHEMA_LOCK_ID = 0x48454c58 // "HELX"

/** SQLSTATE classes and socket errors that mean "the database is not there", not "bad SQL". */
function isUnavailable(cause: unknown): boolean {
  if (!(cause instanceof Error)) return false
  const code = (cause as { code?: unknown }).code
  if (typeof code === 'string') {
    if (/^(08|53|57)/.test(code) || code === '25006') return true
    if (/^E[A-Z]+$/.test(code)) return true // ECONNREFUSED, ENOTFOUND, ETIMEDOUT, EHOSTUNREACH...
  }
  return /timeout|terminated|Connection ended|not queryable|ECONNRESET/i.test(cause.message)
}

const iso = (value: unknown) => (value instanceof Date ? value.toISOString() : String(value))

function toDebate(row: Record<string, unknown>): DebateRecord {
  return {
    id: String(row.id),
    topic: String(row.topic),
    status: row.status as DebateRecord['status'],
    rounds: Number(row.rounds),
    participants: (row.participants ?? []) as string[],
    result: row.result ?? null,
    confidence: row.confidence === null ? null : Number(row.confidence),
    error: (row.error as string | null) ?? null,
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  }
}

function toTask(row: Record<string, unknown>): TaskRecord {
  return {
    id: String(row.id),
    type: String(row.type),
    status: row.status as TaskRecord['status'],
    input: row.input ?? {},
    result: row.result ?? null,
    error: (row.error as string | null) ?? null,
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  }
}

export class PgStore implements Store {
  private readonly primary: pg.Pool
  private readonly replica: pg.Pool | null
  private schemaReady: Promise<void> | null = null

  constructor(options: {
    primary: PgConnection
    replica: PgConnection | null
    poolSize: number
    logger: Logger
  }) {
    const common = { connectionTimeoutMillis: 2000, query_timeout: 5000, idleTimeoutMillis: 30_000 }
    this.primary = new pg.Pool({ ...options.primary, ...common, max: options.poolSize })
    // The replica is optional: a lost replica must fail its probe fast, or /health (and with it the
    // load balancer's health checks) would wait on it and mark healthy instances down.
    const replicaTimeouts = { connectionTimeoutMillis: 500, query_timeout: 1000 }
    this.replica = options.replica
      ? new pg.Pool({ ...options.replica, ...common, ...replicaTimeouts, max: 2 })
      : null
    // An idle client losing its server emits here; without a listener Node would crash.
    this.primary.on('error', (cause) =>
      options.logger.warn('database connection lost', { error: cause.message }),
    )
    this.replica?.on('error', (cause) =>
      options.logger.warn('replica connection lost', { error: cause.message }),
    )
  }

  private ensureSchema(): Promise<void> {
    this.schemaReady ??= (async () => {
      const client = await this.primary.connect()
      try {
        await client.query('BEGIN')
        await client.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK_ID])
        await client.query(SCHEMA_SQL)
        await client.query('COMMIT')
      } catch (cause) {
        await client.query('ROLLBACK').catch(() => undefined)
        throw cause
      } finally {
        client.release()
      }
    })().catch((cause: unknown) => {
      this.schemaReady = null // retry on the next query, e.g. once the primary is back
      throw cause
    })
    return this.schemaReady
  }

  private async query(sql: string, params: unknown[] = []): Promise<pg.QueryResult<Record<string, unknown>>> {
    try {
      await this.ensureSchema()
      return await this.primary.query<Record<string, unknown>>(sql, params)
    } catch (cause) {
      if (isUnavailable(cause))
        throw new StoreUnavailableError((cause as Error).message || String((cause as { code?: string }).code))
      throw cause
    }
  }

  async insertDebate(d: DebateRecord): Promise<void> {
    await this.query(
      `INSERT INTO debates (id, topic, status, rounds, participants, result, confidence, error, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        d.id,
        d.topic,
        d.status,
        d.rounds,
        JSON.stringify(d.participants),
        d.result === null ? null : JSON.stringify(d.result),
        d.confidence,
        d.error,
        d.created_at,
        d.updated_at,
      ],
    )
  }

  async updateDebate(id: string, patch: DebatePatch): Promise<void> {
    await this.query(
      `UPDATE debates SET
         status = COALESCE($2, status),
         result = COALESCE($3::jsonb, result),
         confidence = COALESCE($4, confidence),
         error = COALESCE($5, error),
         participants = COALESCE($6::jsonb, participants),
         updated_at = now()
       WHERE id = $1`,
      [
        id,
        patch.status ?? null,
        patch.result === undefined ? null : JSON.stringify(patch.result),
        patch.confidence ?? null,
        patch.error ?? null,
        patch.participants === undefined ? null : JSON.stringify(patch.participants),
      ],
    )
  }

  async getDebate(id: string): Promise<DebateRecord | null> {
    const { rows } = await this.query('SELECT * FROM debates WHERE id = $1', [id])
    return rows[0] ? toDebate(rows[0]) : null
  }

  async listDebates(limit: number): Promise<DebateRecord[]> {
    const { rows } = await this.query('SELECT * FROM debates ORDER BY created_at DESC LIMIT $1', [limit])
    return rows.map(toDebate)
  }

  async deleteDebate(id: string): Promise<boolean> {
    const { rowCount } = await this.query('DELETE FROM debates WHERE id = $1', [id])
    return (rowCount ?? 0) > 0
  }

  async insertTask(t: TaskRecord): Promise<void> {
    await this.query(
      `INSERT INTO tasks (id, type, status, input, result, error, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        t.id,
        t.type,
        t.status,
        JSON.stringify(t.input),
        t.result === null ? null : JSON.stringify(t.result),
        t.error,
        t.created_at,
        t.updated_at,
      ],
    )
  }

  async updateTask(id: string, patch: TaskPatch): Promise<void> {
    await this.query(
      `UPDATE tasks SET status = COALESCE($2, status), result = COALESCE($3::jsonb, result), error = COALESCE($4, error), updated_at = now() WHERE id = $1`,
      [
        id,
        patch.status ?? null,
        patch.result === undefined ? null : JSON.stringify(patch.result),
        patch.error ?? null,
      ],
    )
  }

  async getTask(id: string): Promise<TaskRecord | null> {
    const { rows } = await this.query('SELECT * FROM tasks WHERE id = $1', [id])
    return rows[0] ? toTask(rows[0]) : null
  }

  async checkPrimary(): Promise<DependencyStatus> {
    const started = Date.now()
    try {
      await this.ensureSchema()
      const { rows } = await this.primary.query<{ in_recovery: boolean }>(
        'SELECT pg_is_in_recovery() AS in_recovery',
      )
      // A primary that came back as a standby cannot take writes: not ready.
      if (rows[0]?.in_recovery)
        return {
          status: 'down',
          error: 'connected server is a read-only standby',
          latency_ms: Date.now() - started,
        }
      return { status: 'up', latency_ms: Date.now() - started }
    } catch (cause) {
      return {
        status: 'down',
        error:
          cause instanceof Error ? cause.message || String((cause as { code?: string }).code) : String(cause),
      }
    }
  }

  async checkReplica(): Promise<DependencyStatus> {
    if (!this.replica) return { status: 'not_configured' }
    const started = Date.now()
    try {
      const { rows } = await this.replica.query<{ in_recovery: boolean; lag: number | null }>(
        `SELECT pg_is_in_recovery() AS in_recovery,
                EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())::float8 AS lag`,
      )
      return {
        status: 'up',
        latency_ms: Date.now() - started,
        in_recovery: rows[0]?.in_recovery ?? null,
        replay_lag_seconds: rows[0]?.lag ?? null,
      }
    } catch (cause) {
      return {
        status: 'down',
        error:
          cause instanceof Error ? cause.message || String((cause as { code?: string }).code) : String(cause),
      }
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.primary.end(), this.replica?.end()])
  }
}

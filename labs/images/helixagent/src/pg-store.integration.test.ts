import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
// The platform's own starter: as root it runs the server as the postgres OS user, from places
// that user can reach even when the checkout's parents are closed (decision 011).
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../../../scripts/db/embedded-postgres'
import { ConfigHolder } from './config-holder'
import { readEnv } from './env'
import { startService, type RunningService } from './service'
import { BASE_CONFIG_YAML } from './test-helpers'

/** The real service against a real PostgreSQL: debates and tasks land in their tables. */
const PASSWORD = 'helix-test-password'
let server: EmbeddedDatabase
let port: number
let dataDir: string
let configPath: string

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address() as net.AddressInfo
      probe.close(() => resolve(address.port))
    })
    probe.on('error', reject)
  })
}

async function startHelix(): Promise<RunningService & { url: string }> {
  const env = readEnv(
    {
      DB_HOST: '127.0.0.1',
      DB_PORT: String(port),
      DB_USER: 'helixagent',
      DB_PASSWORD: PASSWORD,
      DB_NAME: 'helixagent_db',
      INSTANCE_ID: 'pg-test',
    },
    { configPath },
  )
  if (!env.ok) throw new Error(env.error)
  const config = ConfigHolder.fromFile(configPath)
  if (!config.ok) throw new Error(config.error)
  const service = await startService({
    config: config.value,
    env: env.value,
    stdout: { write: () => {} },
    port: 0,
    host: '127.0.0.1',
    startVerifier: false,
  })
  await service.verifier.verifyAll()
  return { ...service, url: `http://127.0.0.1:${service.port}` }
}

async function sql<T extends Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({
    host: '127.0.0.1',
    port,
    user: 'helixagent',
    password: PASSWORD,
    database: 'helixagent_db',
  })
  await client.connect()
  try {
    return (await client.query<T>(text, params)).rows
  } finally {
    await client.end()
  }
}

/** Starts (or, after stop(), restarts) the cluster in `dataDir`, which keeps its data. */
async function startServer(): Promise<void> {
  server = await startEmbeddedPostgres({
    dataDir: path.join(dataDir, 'postgres'),
    port,
    database: 'postgres',
  })
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'helixagent-pg-'))
  configPath = path.join(dataDir, 'config.yaml')
  writeFileSync(configPath, BASE_CONFIG_YAML)
  port = await freePort()
  await startServer()
  // The stand-in's own login and database, as the lab images create them.
  const admin = new pg.Client({ connectionString: server.url })
  await admin.connect()
  try {
    await admin.query(`CREATE ROLE helixagent LOGIN PASSWORD '${PASSWORD}'`)
    await admin.query('CREATE DATABASE helixagent_db OWNER helixagent')
  } finally {
    await admin.end()
  }
})

afterAll(async () => {
  await server.stop()
  rmSync(dataDir, { recursive: true, force: true })
  // As root with a closed temp folder, the cluster lives under /var/lib/helix-academy.
  rmSync(server.clusterDir, { recursive: true, force: true })
})

describe('PostgreSQL persistence', () => {
  it('creates the tables on start (also when two instances start together) and persists debates and tasks', async () => {
    const [a, b] = await Promise.all([startHelix(), startHelix()])
    try {
      for (const instance of [a, b]) {
        const health = await fetch(`${instance.url}/health`)
        expect(health.status).toBe(200)
        expect(await health.json()).toMatchObject({
          status: 'healthy',
          database: { status: 'up' },
          redis: { status: 'not_configured' },
        })
      }
      const columns = await sql<{ table_name: string; column_name: string }>(
        `SELECT table_name, column_name FROM information_schema.columns WHERE table_name IN ('debates', 'tasks')`,
      )
      const has = (table: string, column: string) =>
        columns.some((c) => c.table_name === table && c.column_name === column)
      expect(has('debates', 'topic') && has('tasks', 'status') && has('tasks', 'created_at')).toBe(true)
      // The course's tuning index (video 7.2) applies to these tables as they are.
      await sql(
        `CREATE INDEX IF NOT EXISTS idx_tasks_status_created ON tasks(status, created_at DESC) WHERE status NOT IN ('completed', 'failed')`,
      )

      const created = await fetch(`${a.url}/v1/debates`, {
        method: 'POST',
        body: JSON.stringify({ topic: 'Read replicas for reporting?', rounds: 2 }),
      })
      expect(created.status).toBe(201)
      const debate = (await created.json()) as { id: string }
      const task = (await (
        await fetch(`${a.url}/v1/tasks`, {
          method: 'POST',
          body: JSON.stringify({ type: 'verify', input: { provider: 'claude' } }),
        })
      ).json()) as { id: string }
      await a.app.drain()

      const debateRows = await sql<{ topic: string; status: string; confidence: number }>(
        'SELECT topic, status, confidence FROM debates WHERE id = $1',
        [debate.id],
      )
      expect(debateRows).toEqual([
        { topic: 'Read replicas for reporting?', status: 'completed', confidence: expect.any(Number) },
      ])
      const taskRows = await sql<{ type: string; status: string; created_at: Date }>(
        'SELECT type, status, created_at FROM tasks WHERE id = $1',
        [task.id],
      )
      expect(taskRows[0]).toMatchObject({ type: 'verify', status: 'completed' })
      expect(taskRows[0]?.created_at).toBeInstanceOf(Date)

      // Another instance sees the same rows: state lives in the database, not the process.
      const viaB = (await (await fetch(`${b.url}/v1/debates/${debate.id}/status`)).json()) as {
        status: string
      }
      expect(viaB.status).toBe('completed')
      const taskViaB = (await (await fetch(`${b.url}/v1/tasks/${task.id}/status`)).json()) as {
        status: string
      }
      expect(taskViaB.status).toBe('completed')

      expect((await fetch(`${b.url}/v1/debates/${debate.id}`, { method: 'DELETE' })).status).toBe(204)
      expect(await sql('SELECT 1 FROM debates WHERE id = $1', [debate.id])).toHaveLength(0)
    } finally {
      await Promise.all([a.stop(), b.stop()])
    }
  })

  it('fails readiness while the primary is down and recovers when it returns', async () => {
    const helix = await startHelix()
    try {
      expect((await fetch(`${helix.url}/ready`)).status).toBe(200)
      await server.stop()
      expect((await fetch(`${helix.url}/ready`)).status).toBe(503)
      const health = await fetch(`${helix.url}/health`)
      expect(health.status).toBe(503)
      const create = await fetch(`${helix.url}/v1/debates`, {
        method: 'POST',
        body: JSON.stringify({ topic: 'during outage' }),
      })
      expect(create.status).toBe(503)
      expect(((await create.json()) as { error: { code: string } }).error.code).toBe('database_unavailable')
      // Providers keep answering without the database.
      expect((await fetch(`${helix.url}/v1/providers/verification`)).status).toBe(200)

      await startServer()
      expect((await fetch(`${helix.url}/ready`)).status).toBe(200)
      const after = await fetch(`${helix.url}/v1/debates`, {
        method: 'POST',
        body: JSON.stringify({ topic: 'after outage' }),
      })
      expect(after.status).toBe(201)
      await helix.app.drain()
    } finally {
      await helix.stop()
    }
  })
})

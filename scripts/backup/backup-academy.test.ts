// Backup → wipe → restore on real PostgreSQL yields an identical academy: every row of every
// table (learners, progress, quiz attempts, check runs, certificates…), secrets and media.
import { randomUUID } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile, mkdir, appendFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { applyMigrations } from '../db/migrations'
import {
  createBackup,
  MANIFEST,
  pruneBackups,
  restoreBackup,
  verifyBackup,
  type Install,
} from './backup-academy'
import { findClientTool } from './dump-database'
import { dumpRows } from './snapshot-database'

const adminUrl = process.env.DATABASE_URL!
const dbName = `academy_backup_${process.pid}`
let root: string
let install: Install

function urlOf(name: string): string {
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return url.toString()
}

async function sql<T extends pg.QueryResultRow = pg.QueryResultRow>(
  url: string,
  text: string,
  values: unknown[] = [],
) {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return (await client.query<T>(text, values)).rows
  } finally {
    await client.end()
  }
}

async function recreate(name: string) {
  await sql(adminUrl, `drop database if exists ${name} with (force)`)
  await sql(adminUrl, `create database ${name}`)
}

/** Every table's rows as sorted JSON text: equal means identical data. */
async function everything(url: string): Promise<Record<string, string[]>> {
  const tables = await sql<{ name: string }>(
    url,
    `select tablename as name from pg_tables where schemaname = 'public' and tablename <> '_prisma_migrations' order by 1`,
  )
  const out: Record<string, string[]> = {}
  for (const { name } of tables) {
    out[name] = (
      await sql<{ row: string }>(url, `select to_jsonb(t)::text as row from "${name}" t order by 1`)
    ).map((r) => r.row)
  }
  return out
}

async function seed(url: string) {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    for (const [id, role] of [
      ['u-learner', 'learner'],
      ['u-instructor', 'instructor'],
    ] as const) {
      await client.query(
        `insert into users (id, name, email, role, "updatedAt") values ($1, $2, $3, $4, now())`,
        [id, `Name ${id} — ünïcode "quoted"`, `${id}@example.com`, role],
      )
      await client.query(
        `insert into accounts (id, "accountId", "providerId", "userId", password, "updatedAt")
         values ($1, $2, 'credential', $2, 'scrypt$hash', now())`,
        [`a-${id}`, id],
      )
      await client.query(
        `insert into sessions (id, "expiresAt", token, "userId", "updatedAt") values ($1, now() + interval '7 days', $2, $3, now())`,
        [`s-${id}`, `token-${id}`, id],
      )
    }
    await client.query(
      `insert into lesson_progress ("userId", "lessonKey", "watchedRanges", "watchedSeconds", "videoPosition", "completedAt", "updatedAt")
       values ('u-learner', 'production-operations/ha-design', '[[0, 12.5]]', 12.345678901234, 0.1, now(), now())`,
    )
    await client.query(
      `insert into quiz_attempts (id, "userId", "quizKey", answers, correct, total, passed)
       values ($1, 'u-learner', 'ha-quiz', '{"q1": ["a"]}', 3, 4, true)`,
      [randomUUID()],
    )
    const labSession = randomUUID()
    await client.query(
      `insert into lab_sessions (id, "userId", "labSlug", status) values ($1, 'u-learner', 'ha-setup', 'ended')`,
      [labSession],
    )
    for (let i = 0; i < 1200; i += 1) {
      // More than one fetch/insert batch of 500.
      await client.query(
        `insert into check_runs (id, "sessionId", "userId", "actorId", "labSlug", "stepId", kind, passed, "durationMs", output, "failMessages", hints)
         values ($8, $1, 'u-learner', 'u-learner', 'ha-setup', $2, 'check', $3, $4, $5, $6, $7)`,
        [
          labSession,
          `step-${i % 5}`,
          i % 3 === 0,
          i,
          `line 1\nline 2 ${i}\ttab`,
          [`fail ${i}`, 'with, comma'],
          [],
          randomUUID(),
        ],
      )
    }
    await client.query(
      `insert into lab_step_results ("userId", "labSlug", "stepId", attempts, "passedAt", points, "updatedAt")
       values ('u-learner', 'ha-setup', 'step-1', 3, now(), 10, now())`,
    )
    await client.query(
      `insert into certificates (id, "userId", "courseSlug") values ('c-1', 'u-learner', 'production-operations')`,
    )
  } finally {
    await client.end()
  }
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'academy-backup-'))
  install = {
    databaseUrl: urlOf(dbName),
    dataDir: path.join(root, 'data'),
    mediaDir: path.join(root, 'data/media'),
  }
  await recreate(dbName)
  await applyMigrations(install.databaseUrl)
  await seed(install.databaseUrl)
  await mkdir(path.join(install.mediaDir, 'production-operations'), { recursive: true })
  await writeFile(path.join(install.dataDir, 'auth-secret'), 'auth-secret-value\n', { mode: 0o600 })
  await writeFile(path.join(install.dataDir, 'runner-token'), 'runner-token-value\n', { mode: 0o600 })
  await writeFile(
    path.join(install.mediaDir, 'production-operations/ha-design.mp4'),
    Buffer.from([0, 1, 2, 255]),
  )
})

afterAll(async () => {
  await sql(adminUrl, `drop database if exists ${dbName} with (force)`)
  await rm(root, { recursive: true, force: true })
})

describe('backup and restore', () => {
  it('round-trips the whole academy through backup → wipe → restore', async () => {
    const before = await everything(install.databaseUrl)
    expect(before.users).toHaveLength(2)
    expect(before.check_runs).toHaveLength(1200)
    expect(before.certificates).toHaveLength(1)

    const out = path.join(root, 'backups/one')
    const manifest = await createBackup(install, out)
    if (manifest.formatVersion !== 2) throw new Error(`wrote format ${manifest.formatVersion}`)
    expect(manifest.database.tables.find((t) => t.name === 'check_runs')?.rows).toBe(1200)
    // PostgreSQL's custom format, written by the host's pg_dump of the server's major version.
    expect((await readFile(path.join(out, 'database.dump'))).subarray(0, 5).toString()).toBe('PGDMP')
    expect(manifest.database.pgDumpVersion.split('.')[0]).toBe(manifest.database.serverVersion.split('.')[0])
    expect(manifest.database.migrations.length).toBeGreaterThan(0)
    expect(manifest.files.map((f) => f.path).sort()).toEqual([
      'media/production-operations/ha-design.mp4',
      'secrets/auth-secret',
      'secrets/runner-token',
    ])

    // Wipe: a new empty database, no data folder.
    await recreate(dbName)
    await rm(install.dataDir, { recursive: true, force: true })
    await restoreBackup(install, out)

    expect(await everything(install.databaseUrl)).toEqual(before)
    expect(await readFile(path.join(install.dataDir, 'auth-secret'), 'utf8')).toBe('auth-secret-value\n')
    expect(await readFile(path.join(install.dataDir, 'runner-token'), 'utf8')).toBe('runner-token-value\n')
    expect([...(await readFile(path.join(install.mediaDir, 'production-operations/ha-design.mp4')))]).toEqual(
      [0, 1, 2, 255],
    )
    // Sequences and defaults still work after the restore: new rows can be written.
    await sql(
      install.databaseUrl,
      `insert into quiz_attempts (id, "userId", "quizKey", answers, correct, total, passed) values ($1, 'u-learner', 'q2', '{}', 0, 1, false)`,
      [randomUUID()],
    )
  })

  it('refuses to overwrite a live install without --force, and replaces it with force', async () => {
    const out = path.join(root, 'backups/two')
    await createBackup(install, out)
    const backedUp = await everything(install.databaseUrl)
    await sql(install.databaseUrl, `update users set name = 'changed after the backup'`)
    await writeFile(path.join(install.mediaDir, 'extra.mp4'), 'x')

    await expect(restoreBackup(install, out)).rejects.toThrow(
      /^Refusing to restore over a live install: its database holds \d+ rows; .* holds 2 files\. .*pass --force/,
    )
    expect((await sql<{ name: string }>(install.databaseUrl, 'select name from users'))[0]!.name).toBe(
      'changed after the backup',
    )

    await restoreBackup(install, out, { force: true })
    expect(await everything(install.databaseUrl)).toEqual(backedUp)
    await expect(readFile(path.join(install.mediaDir, 'extra.mp4'))).rejects.toThrow(/ENOENT/)
  })

  it('rejects a damaged or incomplete backup before touching the install', async () => {
    const out = path.join(root, 'backups/three')
    await createBackup(install, out)
    await appendFile(path.join(out, 'database.dump'), 'intruder')
    await expect(verifyBackup(out)).rejects.toThrow('database.dump in')
    await expect(restoreBackup(install, out, { force: true })).rejects.toThrow(/missing or damaged/)
    await expect(verifyBackup(path.join(root, 'nowhere'))).rejects.toThrow(/has no manifest\.json/)
    await expect(createBackup(install, out)).rejects.toThrow(/already exists/)
  })

  it('restores a format-1 backup (JSON rows, releases before decision 026) the same way', async () => {
    const out = path.join(root, 'backups/format-1')
    await mkdir(out, { recursive: true })
    const before = await everything(install.databaseUrl)
    const database = await dumpRows(install.databaseUrl, out)
    const manifest = {
      format: 'helix-academy-backup',
      formatVersion: 1,
      createdAt: new Date().toISOString(),
      academyVersion: '0.1.0',
      nodeVersion: process.version,
      database,
      files: [],
    }
    await writeFile(path.join(out, MANIFEST), JSON.stringify(manifest))

    await recreate(dbName)
    await rm(install.mediaDir, { recursive: true, force: true })
    await restoreBackup(install, out)
    expect(await everything(install.databaseUrl)).toEqual(before)
  })

  it('names the client package when pg_dump is older than the server', () => {
    expect(() => findClientTool('pg_dump', 99)).toThrow(
      /pg_dump is PostgreSQL 15\.\d+, older than the 99 this needs\. .*apt-get install postgresql-client-99/,
    )
    expect(findClientTool('pg_restore', 15).major).toBe(15)
  })

  it('keeps only the newest backups when pruning', async () => {
    const dir = path.join(root, 'rotation')
    for (const name of [
      'academy-20261201T020000Z',
      'academy-20261202T020000Z',
      'academy-20261203T020000Z',
      'notes',
    ]) {
      await mkdir(path.join(dir, name), { recursive: true })
    }
    expect(await pruneBackups(dir, 2)).toEqual(['academy-20261201T020000Z'])
  })
})

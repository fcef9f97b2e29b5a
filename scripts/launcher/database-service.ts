// The embedded PostgreSQL as a supervised service. The launcher watches the pid the postmaster
// writes into its cluster folder (which, as root, may be under /var/lib/helix-academy rather than
// DATA_DIR: decision 011), and a restart starts the same cluster again (same port, password and
// data; clients reconnect).
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type { PlatformEnv } from '../../config/env'
import { resolveDatabase, type ResolvedDatabase } from '../db/resolve-database'
import { watchPid, type Running, type ServiceSpec } from './supervise'

async function postmasterPid(clusterDir: string): Promise<number> {
  const file = path.join(clusterDir, 'postmaster.pid')
  const first = (await readFile(file, 'utf8')).split('\n')[0]
  const pid = Number(first)
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`${file} holds no process id`)
  return pid
}

async function running(env: PlatformEnv, db: ResolvedDatabase): Promise<Running> {
  const clusterDir = db.location ?? path.resolve(env.DATA_DIR, 'postgres', 'cluster')
  return watchPid(await postmasterPid(clusterDir), () => db.stop().catch(() => {}))
}

/** `first` is the database the launcher already started (and migrated) before supervising it. */
export function embeddedDatabaseService(env: PlatformEnv, first: ResolvedDatabase): ServiceSpec {
  let next: ResolvedDatabase | undefined = first
  return {
    name: 'the embedded PostgreSQL',
    essential: true,
    async start() {
      const db = next ?? (await resolveDatabase(env))
      next = undefined
      return running(env, db)
    },
  }
}

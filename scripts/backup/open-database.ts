// The install's database for backup and restore: DATABASE_URL, else the embedded PostgreSQL,
// used where it already runs (a started platform) or started just for this command.
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import pg from 'pg'
import type { BackupEnv } from '../../config/env'
import { resolveDatabase } from '../db/resolve-database'

export interface OpenDatabase {
  url: string
  /** True when the embedded server was already running: a platform is using it. */
  inUse: boolean
  close(): Promise<void>
}

async function reachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 })
  try {
    await client.connect()
    await client.query('select 1')
    return true
  } catch {
    return false
  } finally {
    await client.end().catch(() => {})
  }
}

export async function openDatabase(env: BackupEnv): Promise<OpenDatabase> {
  if (env.DATABASE_URL) return { url: env.DATABASE_URL, inUse: false, close: async () => {} }
  const passwordFile = path.resolve(env.DATA_DIR, 'postgres', 'superuser-password')
  if (existsSync(passwordFile)) {
    const password = (await readFile(passwordFile, 'utf8')).trim()
    const url = `postgresql://academy:${encodeURIComponent(password)}@127.0.0.1:${env.EMBEDDED_PG_PORT}/academy`
    if (await reachable(url)) return { url, inUse: true, close: async () => {} }
  }
  const db = await resolveDatabase(env)
  return { url: db.url, inUse: false, close: db.stop }
}

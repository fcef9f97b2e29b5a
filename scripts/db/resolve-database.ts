// DATABASE_URL when it is set; otherwise the platform's own embedded PostgreSQL.
import path from 'node:path'
import type { PlatformEnv } from '../../config/env'
import { startEmbeddedPostgres } from './embedded-postgres'

export interface ResolvedDatabase {
  url: string
  embedded: boolean
  /** True on the very first start of the embedded cluster. */
  fresh: boolean
  /** The embedded cluster's folder (undefined with DATABASE_URL). */
  location?: string
  stop(): Promise<void>
}

export async function resolveDatabase(env: PlatformEnv): Promise<ResolvedDatabase> {
  if (env.DATABASE_URL) {
    return { url: env.DATABASE_URL, embedded: false, fresh: false, stop: async () => {} }
  }
  const db = await startEmbeddedPostgres({
    dataDir: path.resolve(env.DATA_DIR, 'postgres'),
    port: env.EMBEDDED_PG_PORT,
    database: 'academy',
  })
  return { url: db.url, embedded: true, fresh: db.created, location: db.clusterDir, stop: db.stop }
}

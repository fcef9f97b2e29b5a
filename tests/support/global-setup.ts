// Vitest global setup: one real PostgreSQL for the whole run (DATABASE_URL when set, else the
// embedded server in a throwaway folder), a fresh database with every migration applied.
// Each run gets its own folder and port, so several runs on one machine do not collide.
import { rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { startEmbeddedPostgres } from '../../scripts/db/embedded-postgres'
import { applyMigrations } from '../../scripts/db/migrations'
import { freePort } from './free-port'

const TEST_DB = `academy_test_${process.pid}`

async function recreateDatabase(adminUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  try {
    await client.query(`drop database if exists ${TEST_DB} with (force)`)
    await client.query(`create database ${TEST_DB}`)
  } finally {
    await client.end()
  }
}

export default async function setup() {
  const external = process.env.TEST_DATABASE_URL
  const dataDir = path.join(os.tmpdir(), `academy-test-pg-${process.pid}`)
  const server = external
    ? undefined
    : await startEmbeddedPostgres({ dataDir, port: await freePort(), database: 'postgres' })
  const adminUrl = external ?? server!.url
  await recreateDatabase(adminUrl)
  const url = new URL(adminUrl)
  url.pathname = `/${TEST_DB}`
  await applyMigrations(url.toString())

  // Workers start after this and inherit the environment.
  process.env.DATABASE_URL = url.toString()
  process.env.BETTER_AUTH_SECRET ??= 'test-secret-test-secret-test-secret-0123'
  process.env.PUBLIC_URL ??= 'http://localhost:3000'

  return async () => {
    const client = new pg.Client({ connectionString: adminUrl })
    await client.connect()
    await client.query(`drop database if exists ${TEST_DB} with (force)`).finally(() => client.end())
    await server?.stop()
    if (server) await rm(dataDir, { recursive: true, force: true })
  }
}

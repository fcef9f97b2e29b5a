// `npm run db:migrate`: apply pending migrations to DATABASE_URL, or to the embedded database.
import { parseEnv, platformEnvSchema } from '../../config/env'
import { applyMigrations } from './migrations'
import { resolveDatabase } from './resolve-database'

const db = await resolveDatabase(parseEnv(platformEnvSchema, process.env))
try {
  const applied = await applyMigrations(db.url)
  console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Database is up to date.')
} finally {
  await db.stop()
}

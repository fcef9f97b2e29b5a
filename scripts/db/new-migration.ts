// Usage: npm run db:migration -- <name>
// Writes prisma/migrations/<timestamp>_<name>/migration.sql with the SQL that takes the schema
// of the last migration to the current prisma/schema.prisma. No database is needed: the
// schema the last migration produced is kept beside the migrations as a snapshot.
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { emptyFilters, openSchemaEngine } from './schema-engine'
import { migrationsDir, schemaPath } from './migrations'
import { parseEnv, platformEnvSchema } from '../../config/env'
import { resolveDatabase } from './resolve-database'

const snapshotPath = path.join(migrationsDir, 'schema.snapshot.prisma')

async function main() {
  const name = process.argv[2]
  if (!name || !/^[a-z0-9_]{1,60}$/.test(name)) {
    console.error(
      'Usage: npm run db:migration -- <name>  (lowercase letters, digits and _; e.g. add_cohorts)',
    )
    process.exit(2)
  }
  const schemaText = await readFile(schemaPath, 'utf8')
  const previous = await readFile(snapshotPath, 'utf8').catch(() => undefined)
  // The engine opens a connection even for a file-to-file diff; it changes nothing there.
  const db = await resolveDatabase(parseEnv(platformEnvSchema, process.env))
  const engine = await openSchemaEngine({ connectionString: db.url, schemaPath, schemaText })
  const result = await engine.diff({
    from: previous
      ? { tag: 'schemaDatamodel', files: [{ path: snapshotPath, content: previous }] }
      : { tag: 'empty' },
    to: { tag: 'schemaDatamodel', files: [{ path: schemaPath, content: schemaText }] },
    script: true,
    exitCode: false,
    filters: emptyFilters,
  })
  engine.free()
  await db.stop()
  const sql = (result as { stdout?: string }).stdout ?? ''
  if (!sql.trim() || /^-- This is an empty migration/m.test(sql)) {
    console.log('No schema changes since the last migration; nothing written.')
    return
  }
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14)
  const dir = path.join(migrationsDir, `${stamp}_${name}`)
  await mkdir(dir, { recursive: true })
  await writeFile(path.join(dir, 'migration.sql'), sql)
  await writeFile(snapshotPath, schemaText)
  await writeFile(path.join(migrationsDir, 'migration_lock.toml'), 'provider = "postgresql"\n')
  console.log(`Wrote ${path.relative(process.cwd(), dir)}/migration.sql`)
}

await main()

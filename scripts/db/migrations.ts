// Applies the committed migrations in prisma/migrations, exactly as `prisma migrate deploy`
// would (same folder layout, same _prisma_migrations bookkeeping).
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { emptyFilters, openSchemaEngine } from './schema-engine'

export const projectRoot = path.resolve(import.meta.dirname, '../..')
export const schemaPath = path.join(projectRoot, 'prisma/schema.prisma')
export const migrationsDir = path.join(projectRoot, 'prisma/migrations')

/** Names of the committed migrations, oldest first. */
export async function migrationNames(): Promise<string[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true })
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort()
}

async function loadMigrationList(upTo?: string) {
  const dirs = (await migrationNames()).filter((name) => upTo === undefined || name <= upTo)
  const lockPath = path.join(migrationsDir, 'migration_lock.toml')
  return {
    baseDir: migrationsDir,
    lockfile: { path: lockPath, content: await readFile(lockPath, 'utf8') },
    shadowDbInitScript: '',
    migrationDirectories: await Promise.all(
      dirs.map(async (dir) => ({
        path: dir,
        migrationFile: {
          path: 'migration.sql',
          content: {
            tag: 'ok' as const,
            value: await readFile(path.join(migrationsDir, dir, 'migration.sql'), 'utf8'),
          },
        },
      })),
    ),
  }
}

/**
 * Applies pending migrations; returns the names of those applied now. `upTo` stops after that
 * migration (a restore loads a backup's rows into the schema they were taken from).
 */
export async function applyMigrations(
  connectionString: string,
  { upTo }: { upTo?: string } = {},
): Promise<string[]> {
  const engine = await openSchemaEngine({
    connectionString,
    schemaPath,
    schemaText: await readFile(schemaPath, 'utf8'),
  })
  try {
    const { appliedMigrationNames } = await engine.applyMigrations({
      migrationsList: await loadMigrationList(upTo),
      filters: emptyFilters,
    })
    return appliedMigrationNames
  } finally {
    engine.free()
  }
}

// `npm run restore -- <folder> [--force]`: restores a backup into an empty install. Refuses an
// install with data (or a running embedded database) unless --force; stop the platform first.
import path from 'node:path'
import { backupEnvSchema, ConfigError, parseEnv } from '../../config/env'
import { installPaths, restoreBackup } from './backup-academy'
import { openDatabase } from './open-database'

const USAGE = 'Usage: npm run restore -- <backup folder> [--force]'

async function main() {
  const argv = process.argv.slice(2)
  const force = argv.includes('--force')
  const rest = argv.filter((a) => a !== '--force')
  if (rest.length !== 1 || rest[0]!.startsWith('-')) throw new Error(`Name one backup folder. ${USAGE}`)
  const from = path.resolve(rest[0]!)
  const env = parseEnv(backupEnvSchema, process.env)
  const db = await openDatabase(env)
  try {
    if (db.inUse && !force) {
      throw new Error(
        'The embedded database is running, so the platform is probably up. Stop it first, then restore ' +
          '(or pass --force to restore into the running database).',
      )
    }
    const manifest = await restoreBackup({ databaseUrl: db.url, ...installPaths(env) }, from, { force })
    console.log(
      `Restored the backup of ${manifest.createdAt} from ${from}. Start the platform with \`npm run up\`.`,
    )
  } finally {
    await db.close()
  }
}

main().catch((error: unknown) => {
  console.error(
    error instanceof ConfigError
      ? `${error.message}\nFix these variables and try again.`
      : error instanceof Error
        ? error.message
        : error,
  )
  process.exit(1)
})

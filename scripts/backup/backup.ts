// `npm run backup [-- <folder>] [--keep N]`: writes a consistent backup of the academy
// (database snapshot, generated secrets, uploaded media, manifest). Safe while the platform runs.
import path from 'node:path'
import { backupEnvSchema, ConfigError, parseEnv } from '../../config/env'
import { projectRoot } from '../db/migrations'
import { backupName, createBackup, installPaths, pruneBackups } from './backup-academy'
import { openDatabase } from './open-database'

const USAGE = 'Usage: npm run backup [-- <folder>] [--keep <n>]'

function parseArgs(argv: string[]): { folder?: string; keep?: number } {
  const args: { folder?: string; keep?: number } = {}
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!
    if (arg === '--keep') {
      const keep = Number(argv[(i += 1)])
      if (!Number.isInteger(keep) || keep < 1)
        throw new Error(`--keep needs a whole number of backups of at least 1. ${USAGE}`)
      args.keep = keep
    } else if (arg.startsWith('-') || args.folder) {
      throw new Error(`Unexpected argument ${arg}. ${USAGE}`)
    } else args.folder = arg
  }
  return args
}

async function main() {
  const args = parseArgs(process.argv.slice(2))
  const env = parseEnv(backupEnvSchema, process.env)
  const dir = path.resolve(projectRoot, env.BACKUP_DIR ?? path.join(env.DATA_DIR, 'backups'))
  const out = args.folder ? path.resolve(args.folder) : path.join(dir, backupName())
  const db = await openDatabase(env)
  try {
    const manifest = await createBackup({ databaseUrl: db.url, ...installPaths(env) }, out)
    const rows = manifest.database.tables.reduce((sum, t) => sum + t.rows, 0)
    console.log(
      `Backup written to ${out}: ${rows} rows in ${manifest.database.tables.length} tables, ${manifest.files.length} files.`,
    )
    if (args.keep) {
      for (const name of await pruneBackups(path.dirname(out), args.keep))
        console.log(`Removed old backup ${name}`)
    }
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

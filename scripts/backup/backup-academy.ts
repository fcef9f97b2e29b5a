// `npm run backup` / `npm run restore`: the academy's database (`pg_dump -Fc`), generated secrets
// and uploaded media in one folder with a manifest (versions, checksums, time).
// See docs/decisions/026-postgresql-15-and-custom-format-backups.md (025 for format 1).
import { createHash } from 'node:crypto'
import { createReadStream, existsSync } from 'node:fs'
import { copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { BackupEnv } from '../../config/env'
import { applyMigrations, migrationNames, projectRoot } from '../db/migrations'
import { dumpDatabase, restoreDump, type DatabaseDump } from './dump-database'
import { countRows, dropSchema, loadDatabase, type DatabaseSnapshot } from './snapshot-database'

export const MANIFEST = 'manifest.json'
const FORMAT = 'helix-academy-backup'
/** 2: the database as `database.dump` (decision 026). 1: JSON rows per table (decision 025), still restored. */
const FORMAT_VERSION = 2
/** Generated into DATA_DIR on first start (scripts/start.ts); sessions and runner auth depend on them. */
const SECRET_FILES = ['auth-secret', 'runner-token']

export interface BackupFile {
  /** Relative to the backup folder, with `/`. */
  path: string
  bytes: number
  sha256: string
}

interface ManifestCommon {
  format: typeof FORMAT
  createdAt: string
  academyVersion: string
  nodeVersion: string
  files: BackupFile[]
}

export type BackupManifest =
  | (ManifestCommon & { formatVersion: 2; database: DatabaseDump })
  | (ManifestCommon & { formatVersion: 1; database: DatabaseSnapshot })

export class BackupError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'BackupError'
  }
}

export interface Install {
  /** Where the database is; the caller opens (and closes) it. */
  databaseUrl: string
  dataDir: string
  mediaDir: string
}

export function installPaths(env: BackupEnv): { dataDir: string; mediaDir: string } {
  const dataDir = path.resolve(projectRoot, env.DATA_DIR)
  return { dataDir, mediaDir: path.resolve(projectRoot, env.MEDIA_DIR ?? path.join(env.DATA_DIR, 'media')) }
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

async function listFiles(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return []
  const entries = await readdir(dir, { withFileTypes: true, recursive: true })
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort()
}

async function copyInto(from: string, backupDir: string, relative: string): Promise<BackupFile> {
  const target = path.join(backupDir, relative)
  await mkdir(path.dirname(target), { recursive: true })
  await copyFile(from, target)
  return {
    path: relative.split(path.sep).join('/'),
    bytes: (await stat(target)).size,
    sha256: await sha256File(target),
  }
}

async function academyVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(path.join(projectRoot, 'package.json'), 'utf8')) as {
    version: string
  }
  return pkg.version
}

/**
 * Writes a backup into `out` (which must not exist yet). The folder appears complete or not at
 * all: it is written as `<out>.partial` and renamed once the manifest is in place.
 */
export async function createBackup(install: Install, out: string): Promise<BackupManifest> {
  if (existsSync(out)) throw new BackupError(`${out} already exists; choose a new folder for the backup.`)
  const work = `${out}.partial`
  await rm(work, { recursive: true, force: true })
  await mkdir(work, { recursive: true })
  try {
    const dumped = await dumpDatabase(install.databaseUrl, work)
    const dumpFile = path.join(work, dumped.file)
    const database = { ...dumped, bytes: (await stat(dumpFile)).size, sha256: await sha256File(dumpFile) }
    const files: BackupFile[] = []
    for (const name of SECRET_FILES) {
      const file = path.join(install.dataDir, name)
      if (existsSync(file)) files.push(await copyInto(file, work, path.join('secrets', name)))
    }
    for (const relative of await listFiles(install.mediaDir)) {
      files.push(await copyInto(path.join(install.mediaDir, relative), work, path.join('media', relative)))
    }
    const manifest: BackupManifest = {
      format: FORMAT,
      formatVersion: FORMAT_VERSION,
      createdAt: new Date().toISOString(),
      academyVersion: await academyVersion(),
      nodeVersion: process.version,
      database,
      files,
    }
    await writeFile(path.join(work, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 })
    await rename(work, out)
    return manifest
  } catch (error) {
    await rm(work, { recursive: true, force: true })
    throw error
  }
}

/** Reads a backup's manifest and checks every file against its checksum. */
export async function verifyBackup(dir: string): Promise<BackupManifest> {
  const manifestFile = path.join(dir, MANIFEST)
  if (!existsSync(manifestFile)) {
    throw new BackupError(
      `${dir} is not a complete backup: it has no ${MANIFEST}. Give the folder \`npm run backup\` wrote.`,
    )
  }
  const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as BackupManifest
  if (manifest.format !== FORMAT || ![1, FORMAT_VERSION].includes(manifest.formatVersion)) {
    throw new BackupError(
      `${manifestFile} is not a Helix Academy backup of format version 1 to ${FORMAT_VERSION}.`,
    )
  }
  const database =
    manifest.formatVersion === 2
      ? [{ path: manifest.database.file, sha256: manifest.database.sha256 }]
      : manifest.database.tables.map((t) => ({ path: t.file, sha256: t.sha256 }))
  const checks = [...database, ...manifest.files.map((f) => ({ path: f.path, sha256: f.sha256 }))]
  for (const check of checks) {
    const file = path.join(dir, check.path)
    if (!existsSync(file) || (await sha256File(file)) !== check.sha256) {
      throw new BackupError(
        `${check.path} in ${dir} is missing or damaged (its checksum does not match the manifest).`,
      )
    }
  }
  return manifest
}

/** What makes an install "live": reasons a restore without --force refuses. */
export async function liveInstallReasons(install: Install, manifest: BackupManifest): Promise<string[]> {
  const reasons: string[] = []
  const rows = await countRows(install.databaseUrl)
  if (rows > 0) reasons.push(`its database holds ${rows} rows`)
  for (const file of manifest.files.filter((f) => f.path.startsWith('secrets/'))) {
    const target = path.join(install.dataDir, path.basename(file.path))
    if (existsSync(target) && (await sha256File(target)) !== file.sha256) {
      reasons.push(`${target} holds a different secret`)
    }
  }
  const media = await listFiles(install.mediaDir)
  if (media.length > 0) reasons.push(`${install.mediaDir} holds ${media.length} files`)
  return reasons
}

/**
 * Restores a verified backup into `install`: the schema and rows at the backup's migration, then
 * the rest of this release's migrations; secrets and media files. Refuses a live install
 * unless `force`, which replaces its database, secrets and media.
 */
export async function restoreBackup(
  install: Install,
  dir: string,
  { force = false }: { force?: boolean } = {},
): Promise<BackupManifest> {
  const manifest = await verifyBackup(dir)
  const known = await migrationNames()
  const unknown = manifest.database.migrations.filter((m) => !known.includes(m))
  if (unknown.length > 0) {
    throw new BackupError(
      `The backup was taken by a newer release (migrations ${unknown.join(', ')} are not in this one). ` +
        'Restore it with that release or a later one.',
    )
  }
  const reasons = await liveInstallReasons(install, manifest)
  if (reasons.length > 0 && !force) {
    throw new BackupError(
      `Refusing to restore over a live install: ${reasons.join('; ')}. ` +
        'Restore into an empty install, or pass --force to replace its database, secrets and media.',
    )
  }
  await dropSchema(install.databaseUrl)
  if (manifest.formatVersion === 2) {
    await restoreDump(install.databaseUrl, dir, manifest.database)
  } else {
    const last = manifest.database.migrations.at(-1)
    if (last) await applyMigrations(install.databaseUrl, { upTo: last })
    await loadDatabase(install.databaseUrl, dir, manifest.database)
  }
  await applyMigrations(install.databaseUrl)

  await mkdir(install.dataDir, { recursive: true })
  if (force) await rm(install.mediaDir, { recursive: true, force: true })
  for (const file of manifest.files) {
    const [kind, ...rest] = file.path.split('/')
    const target =
      kind === 'secrets' ? path.join(install.dataDir, rest.join('/')) : path.join(install.mediaDir, ...rest)
    await mkdir(path.dirname(target), { recursive: true })
    await copyFile(path.join(dir, file.path), target)
  }
  return manifest
}

/** Removes the oldest `academy-*` backups in `dir` beyond the newest `keep`. Returns what it removed. */
export async function pruneBackups(dir: string, keep: number): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => [])
  const backups = entries
    .filter((e) => e.isDirectory() && /^academy-\d{8}T\d{6}Z$/.test(e.name))
    .map((e) => e.name)
    .sort()
  const removed = backups.slice(0, Math.max(0, backups.length - keep))
  for (const name of removed) await rm(path.join(dir, name), { recursive: true, force: true })
  return removed
}

/** `academy-20261203T081500Z`: sorts by time. */
export function backupName(at = new Date()): string {
  return `academy-${at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}`
}

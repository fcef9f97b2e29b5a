// Backup format 1 (docs/decisions/025-backup-and-restore.md): the database as one file of JSON
// rows per table, read in a single REPEATABLE READ snapshot, loaded back into the schema it was
// taken from. Backups are now `pg_dump -Fc` (decision 026); format 1 is still restored, so a
// PostgreSQL 18 install of an earlier release moves to PostgreSQL 15 by backup and restore.
import { createHash } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { once } from 'node:events'
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { createInterface } from 'node:readline'
import pg from 'pg'

export interface TableSnapshot {
  name: string
  rows: number
  /** Relative to the backup folder. */
  file: string
  sha256: string
}

export interface DatabaseSnapshot {
  serverVersion: string
  /** Applied migrations, oldest first: the schema the rows belong to. */
  migrations: string[]
  tables: TableSnapshot[]
}

const BATCH = 500

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`

async function userTables(client: pg.Client): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `select tablename as name from pg_tables
      where schemaname = 'public' and tablename <> '_prisma_migrations' order by tablename`,
  )
  return rows.map((r) => r.name)
}

export async function appliedMigrations(client: pg.Client): Promise<string[]> {
  const exists = await client.query(
    `select 1 from pg_tables where schemaname = 'public' and tablename = '_prisma_migrations'`,
  )
  if (exists.rowCount === 0) return []
  const { rows } = await client.query<{ name: string }>(
    `select migration_name as name from _prisma_migrations
      where finished_at is not null and rolled_back_at is null order by migration_name`,
  )
  return rows.map((r) => r.name)
}

/** Writes `<dir>/database/<table>.jsonl` for every table; all read in one snapshot (format 1). */
export async function dumpRows(url: string, dir: string): Promise<DatabaseSnapshot> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query('begin isolation level repeatable read read only')
    const serverVersion = (await client.query<{ v: string }>('show server_version')).rows[0]!.v
    const migrations = await appliedMigrations(client)
    const tables: TableSnapshot[] = []
    await mkdir(path.join(dir, 'database'), { recursive: true })
    for (const name of await userTables(client)) {
      const file = path.join('database', `${name}.jsonl`)
      const out = createWriteStream(path.join(dir, file))
      const hash = createHash('sha256')
      let rows = 0
      // Text straight from the server: numbers and timestamps keep their exact precision.
      await client.query(
        `declare snapshot_rows no scroll cursor for select to_jsonb(t)::text as row from ${ident(name)} t`,
      )
      for (;;) {
        const batch = await client.query<{ row: string }>(`fetch ${BATCH} from snapshot_rows`)
        for (const { row } of batch.rows) {
          const line = `${row}\n`
          hash.update(line)
          if (!out.write(line)) await once(out, 'drain')
        }
        rows += batch.rows.length
        if (batch.rows.length < BATCH) break
      }
      await client.query('close snapshot_rows')
      out.end()
      await once(out, 'close')
      tables.push({ name, rows, file, sha256: hash.digest('hex') })
    }
    await client.query('commit')
    return { serverVersion, migrations, tables }
  } finally {
    await client.end()
  }
}

/** Tables ordered so that every table comes after the tables its foreign keys point to. */
async function loadOrder(client: pg.Client, names: string[]): Promise<string[]> {
  const { rows } = await client.query<{ child: string; parent: string }>(
    `select cl.relname as child, pl.relname as parent
       from pg_constraint c
       join pg_class cl on cl.oid = c.conrelid
       join pg_class pl on pl.oid = c.confrelid
       join pg_namespace n on n.oid = cl.relnamespace
      where c.contype = 'f' and n.nspname = 'public' and cl.relname <> pl.relname`,
  )
  const ordered: string[] = []
  const visiting = new Set<string>()
  const visit = (name: string) => {
    if (ordered.includes(name) || visiting.has(name)) return
    visiting.add(name)
    for (const { parent } of rows.filter((r) => r.child === name)) if (names.includes(parent)) visit(parent)
    visiting.delete(name)
    ordered.push(name)
  }
  for (const name of names) visit(name)
  return ordered
}

async function* readLines(file: string): AsyncGenerator<string[]> {
  let batch: string[] = []
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    if (!line) continue
    batch.push(line)
    if (batch.length === BATCH) {
      yield batch
      batch = []
    }
  }
  if (batch.length > 0) yield batch
}

/**
 * Loads a snapshot's rows into a database whose schema is at the snapshot's last migration and
 * whose tables are empty; all or nothing, in one transaction.
 */
export async function loadDatabase(url: string, dir: string, snapshot: DatabaseSnapshot): Promise<void> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query('begin')
    const present = await userTables(client)
    const missing = snapshot.tables.map((t) => t.name).filter((name) => !present.includes(name))
    if (missing.length > 0)
      throw new Error(`The database has no table ${missing.join(', ')} for the backup's rows.`)
    const byName = new Map(snapshot.tables.map((t) => [t.name, t]))
    for (const name of await loadOrder(client, [...byName.keys()])) {
      const table = byName.get(name)!
      for await (const lines of readLines(path.join(dir, table.file))) {
        await client.query(
          `insert into ${ident(name)} select * from jsonb_populate_recordset(null::${ident(name)}, $1::jsonb)`,
          [`[${lines.join(',')}]`],
        )
      }
    }
    // Serial and identity columns continue after the restored rows.
    const { rows: sequences } = await client.query<{ tbl: string; col: string; seq: string }>(
      `select table_name as tbl, column_name as col,
              pg_get_serial_sequence(quote_ident(table_name), column_name) as seq
         from information_schema.columns
        where table_schema = 'public' and pg_get_serial_sequence(quote_ident(table_name), column_name) is not null`,
    )
    for (const { tbl, col, seq } of sequences) {
      await client.query(
        `select setval($1, coalesce((select max(${ident(col)}) from ${ident(tbl)}), 0) + 1, false)`,
        [seq],
      )
    }
    await client.query('commit')
  } catch (error) {
    await client.query('rollback').catch(() => {})
    throw error
  } finally {
    await client.end()
  }
}

/** Rows in any table of the academy (not counting migration bookkeeping). */
export async function countRows(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    let total = 0
    for (const name of await userTables(client)) {
      const { rows } = await client.query<{ n: string }>(`select count(*) as n from ${ident(name)}`)
      total += Number(rows[0]!.n)
    }
    return total
  } finally {
    await client.end()
  }
}

/** Drops every table of the academy (for a forced restore); the schema is then rebuilt by migrations. */
export async function dropSchema(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query('begin')
    const { rows } = await client.query<{ name: string }>(
      `select tablename as name from pg_tables where schemaname = 'public'`,
    )
    for (const { name } of rows) await client.query(`drop table if exists ${ident(name)} cascade`)
    const { rows: types } = await client.query<{ name: string }>(
      `select t.typname as name from pg_type t join pg_namespace n on n.oid = t.typnamespace
        where n.nspname = 'public' and t.typtype = 'e'`,
    )
    for (const { name } of types) await client.query(`drop type if exists ${ident(name)} cascade`)
    await client.query('commit')
  } catch (error) {
    await client.query('rollback').catch(() => {})
    throw error
  } finally {
    await client.end()
  }
}

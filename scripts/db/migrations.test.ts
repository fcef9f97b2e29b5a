import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { applyMigrations } from './migrations'

describe('applyMigrations', () => {
  it('records every committed migration and is a no-op the second time', async () => {
    const url = process.env.DATABASE_URL!
    // Global setup already applied them once; a second run must apply nothing.
    expect(await applyMigrations(url)).toEqual([])
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    try {
      const { rows } = await client.query<{ migration_name: string; finished_at: Date | null }>(
        'select migration_name, finished_at from _prisma_migrations order by migration_name',
      )
      expect(rows.length).toBeGreaterThan(0)
      expect(rows.every((r) => r.finished_at !== null)).toBe(true)
      expect(rows[0]?.migration_name).toMatch(/_init$/)
    } finally {
      await client.end()
    }
  })
})

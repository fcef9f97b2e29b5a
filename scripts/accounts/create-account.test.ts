import { randomUUID } from 'node:crypto'
import { verifyPassword } from 'better-auth/crypto'
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { createAccount } from './create-account'
import { seedDemoAccounts } from './demo-accounts'

const url = () => process.env.DATABASE_URL!

describe('createAccount', () => {
  it('creates an account whose password Better Auth verifies', async () => {
    const email = `Admin-${randomUUID().slice(0, 6)}@Example.test`
    const result = await createAccount(url(), {
      email,
      name: 'Root',
      password: 'a-strong-password',
      role: 'admin',
    })
    expect(result.status).toBe('created')
    const client = new pg.Client({ connectionString: url() })
    await client.connect()
    const { rows } = await client.query(
      'select u.role, a.password from users u join accounts a on a."userId" = u.id where u.email = $1',
      [email.toLowerCase()],
    )
    await client.end()
    expect(rows[0].role).toBe('admin')
    expect(await verifyPassword({ hash: rows[0].password, password: 'a-strong-password' })).toBe(true)
  })

  it('refuses bad input with a message', async () => {
    expect(
      await createAccount(url(), { email: 'nope', name: 'X', password: 'a-strong-password', role: 'admin' }),
    ).toEqual({
      status: 'invalid',
      message: '"nope" is not a valid email address.',
    })
    const weak = await createAccount(url(), {
      email: 'w@example.test',
      name: 'X',
      password: 'short',
      role: 'admin',
    })
    expect(weak.status).toBe('invalid')
  })

  it('promotes an existing account only when asked', async () => {
    const email = `p-${randomUUID().slice(0, 6)}@example.test`
    await createAccount(url(), { email, name: 'P', password: 'a-strong-password', role: 'learner' })
    expect(
      await createAccount(url(), { email, name: 'P', password: 'x'.repeat(12), role: 'instructor' }),
    ).toMatchObject({
      status: 'exists',
      roleUpdated: false,
    })
    expect(
      await createAccount(url(), {
        email,
        name: 'P',
        password: 'x'.repeat(12),
        role: 'instructor',
        updateRoleIfExists: true,
      }),
    ).toMatchObject({ status: 'exists', roleUpdated: true })
  })
})

describe('seedDemoAccounts', () => {
  it('creates the three demo accounts once', async () => {
    const first = await seedDemoAccounts(url())
    expect(first.map((d) => d.role)).toEqual(['admin', 'instructor', 'learner'])
    expect(await seedDemoAccounts(url())).toEqual([])
  })
})

// Creates an email/password account outside the web app (CLI and first-start demo accounts).
// Password hashing is Better Auth's own, so these accounts sign in like any other.
import { randomUUID } from 'node:crypto'
import { hashPassword } from 'better-auth/crypto'
import pg from 'pg'
import { accountLimits } from '../../config/account-limits'

export type Role = 'learner' | 'instructor' | 'admin' | 'author'

export type CreateAccountResult =
  | { status: 'created'; id: string }
  | { status: 'exists'; id: string; roleUpdated: boolean }
  | { status: 'invalid'; message: string }

export async function createAccount(
  databaseUrl: string,
  input: { name: string; email: string; password: string; role: Role; updateRoleIfExists?: boolean },
): Promise<CreateAccountResult> {
  const email = input.email.trim().toLowerCase()
  const name = input.name.trim()
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > accountLimits.emailMax) {
    return { status: 'invalid', message: `"${input.email}" is not a valid email address.` }
  }
  if (!name || name.length > accountLimits.nameMax) {
    return { status: 'invalid', message: `Name must be 1 to ${accountLimits.nameMax} characters.` }
  }
  if (
    input.password.length < accountLimits.passwordMin ||
    input.password.length > accountLimits.passwordMax
  ) {
    return {
      status: 'invalid',
      message: `Password must be ${accountLimits.passwordMin} to ${accountLimits.passwordMax} characters.`,
    }
  }
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    const existing = await client.query<{ id: string }>('select id from users where email = $1', [email])
    const found = existing.rows[0]
    if (found) {
      if (input.updateRoleIfExists) {
        await client.query('update users set role = $1, "updatedAt" = now() where id = $2', [
          input.role,
          found.id,
        ])
      }
      return { status: 'exists', id: found.id, roleUpdated: Boolean(input.updateRoleIfExists) }
    }
    const id = randomUUID()
    const hash = await hashPassword(input.password)
    await client.query('begin')
    await client.query(
      `insert into users (id, name, email, "emailVerified", role, "createdAt", "updatedAt")
       values ($1, $2, $3, false, $4, now(), now())`,
      [id, name, email, input.role],
    )
    await client.query(
      `insert into accounts (id, "accountId", "providerId", "userId", password, "createdAt", "updatedAt")
       values ($1, $2, 'credential', $2, $3, now(), now())`,
      [randomUUID(), id, hash],
    )
    await client.query('commit')
    return { status: 'created', id }
  } catch (error) {
    await client.query('rollback').catch(() => {})
    throw error
  } finally {
    await client.end()
  }
}

// Accounts for browser tests: created through the same code as `npm run admin:create`,
// against the e2e platform's embedded database.
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { createAccount, type Role } from '../../../scripts/accounts/create-account'
import { e2e } from './e2e-env'

export interface TestAccount {
  name: string
  email: string
  password: string
  role: Role
}

export function databaseUrl(dataDir = e2e.dataDir, port = e2e.pgPort): string {
  const password = readFileSync(path.join(dataDir, 'postgres/superuser-password'), 'utf8').trim()
  return `postgresql://academy:${encodeURIComponent(password)}@127.0.0.1:${port}/academy`
}

export function newAccountDetails(role: Role = 'learner'): TestAccount {
  const id = randomUUID().slice(0, 8)
  return {
    name: `Test ${role} ${id}`,
    email: `${role}-${id}@example.test`,
    password: `pw-${randomUUID()}`,
    role,
  }
}

export async function createTestAccount(role: Role): Promise<TestAccount> {
  const account = newAccountDetails(role)
  const result = await createAccount(databaseUrl(), account)
  if (result.status !== 'created') throw new Error(`could not create test account: ${JSON.stringify(result)}`)
  return account
}

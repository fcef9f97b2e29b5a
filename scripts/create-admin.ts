// npm run admin:create -- --email ada@example.com --name "Ada Lovelace" [--role instructor]
// Reads the password from ADMIN_PASSWORD or, interactively, from the terminal (never from argv,
// which other users of the machine can see in the process list).
import { createInterface } from 'node:readline/promises'
import { parseArgs } from 'node:util'
import { parseEnv, platformEnvSchema } from '../config/env'
import { applyMigrations } from './db/migrations'
import { resolveDatabase } from './db/resolve-database'
import { createAccount, type Role } from './accounts/create-account'

const { values } = parseArgs({
  options: {
    email: { type: 'string' },
    name: { type: 'string' },
    role: { type: 'string', default: 'admin' },
  },
})
const role = values.role as Role
if (!values.email || !['admin', 'instructor', 'learner', 'author'].includes(role)) {
  console.error(
    'Usage: npm run admin:create -- --email you@example.com [--name "Your Name"] [--role admin|instructor|author|learner]',
  )
  console.error('The password is read from ADMIN_PASSWORD, or asked for.')
  process.exit(2)
}

async function readPassword(): Promise<string> {
  if (process.env.ADMIN_PASSWORD) return process.env.ADMIN_PASSWORD
  const rl = createInterface({ input: process.stdin, output: process.stdout })
  const answer = await rl.question('Password (at least 10 characters): ')
  rl.close()
  return answer
}

const db = await resolveDatabase(parseEnv(platformEnvSchema, process.env))
try {
  await applyMigrations(db.url)
  const result = await createAccount(db.url, {
    email: values.email,
    name: values.name ?? values.email.split('@')[0]!,
    password: await readPassword(),
    role,
    updateRoleIfExists: true,
  })
  if (result.status === 'invalid') {
    console.error(result.message)
    process.exitCode = 2
  } else if (result.status === 'exists') {
    console.log(`${values.email} already had an account; its role is now ${role}.`)
  } else {
    console.log(`Created ${role} ${values.email}.`)
  }
} finally {
  await db.stop()
}

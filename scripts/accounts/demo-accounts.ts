// Demo accounts (admin, instructor, learner) for a first look at a new install. Created once,
// their passwords printed once; never on an external database unless SEED_DEMO_ACCOUNTS=yes.
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { createAccount, type Role } from './create-account'

const MARKER = 'demo-accounts-created'
const DEMO: { role: Role; name: string; email: string }[] = [
  { role: 'admin', name: 'Demo Admin', email: 'admin@academy.local' },
  { role: 'instructor', name: 'Demo Instructor', email: 'instructor@academy.local' },
  { role: 'learner', name: 'Demo Learner', email: 'learner@academy.local' },
]

export interface DemoCredential {
  role: Role
  email: string
  password: string
}

/** Returns the credentials created now, or [] when demo accounts were made before. */
export async function seedDemoAccounts(databaseUrl: string): Promise<DemoCredential[]> {
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    const done = await client.query('select 1 from system_settings where key = $1', [MARKER])
    if (done.rowCount) return []
    const created: DemoCredential[] = []
    for (const demo of DEMO) {
      const password = randomBytes(9).toString('base64url')
      const result = await createAccount(databaseUrl, { ...demo, password })
      if (result.status === 'created') created.push({ role: demo.role, email: demo.email, password })
    }
    await client.query(
      `insert into system_settings (key, value, "updatedAt") values ($1, $2, now()) on conflict (key) do nothing`,
      [MARKER, new Date().toISOString()],
    )
    return created
  } finally {
    await client.end()
  }
}

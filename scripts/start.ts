// Starts the whole platform: database (embedded unless DATABASE_URL is set), migrations,
// first-start demo accounts, then the web app; prints where to open it.
// `--dev` runs the Next.js dev server (hot reload) instead of the production build.
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { ConfigError, parseEnv, platformEnvSchema, type PlatformEnv } from '../config/env'
import { seedDemoAccounts } from './accounts/demo-accounts'
import { applyMigrations, projectRoot } from './db/migrations'
import { resolveDatabase } from './db/resolve-database'

const dev = process.argv.includes('--dev')

function loadEnv(): PlatformEnv {
  try {
    return parseEnv(platformEnvSchema, process.env)
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`${error.message}\nFix these variables and start again.`)
      process.exit(1)
    }
    throw error
  }
}

async function authSecret(env: PlatformEnv, dataDir: string): Promise<string> {
  if (env.BETTER_AUTH_SECRET) return env.BETTER_AUTH_SECRET
  // Generated once and kept with the data, so sessions survive restarts.
  const file = path.join(dataDir, 'auth-secret')
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim()
  const secret = randomBytes(32).toString('base64url')
  await writeFile(file, `${secret}\n`, { mode: 0o600 })
  return secret
}

async function waitForHealth(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`The web app exited with code ${child.exitCode} while starting.`)
    try {
      const res = await fetch(`${url}/api/health`)
      if (res.ok) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300))
  }
  throw new Error(`The web app did not become healthy within ${timeoutMs / 1000} s.`)
}

async function main() {
  const env = loadEnv()
  const dataDir = path.resolve(projectRoot, env.DATA_DIR)
  await mkdir(dataDir, { recursive: true })

  if (!dev && !existsSync(path.join(projectRoot, '.next/BUILD_ID'))) {
    console.error('No production build found. Run `npm run build` first (or start with `npm run up`).')
    process.exit(1)
  }

  const db = await resolveDatabase(env)
  console.log(
    db.embedded
      ? `Database: embedded PostgreSQL (data in ${path.relative(projectRoot, dataDir)}/postgres)`
      : 'Database: DATABASE_URL',
  )
  const applied = await applyMigrations(db.url)
  if (applied.length) console.log(`Applied migrations: ${applied.join(', ')}`)

  const seedDemo = env.SEED_DEMO_ACCOUNTS === 'yes' || (env.SEED_DEMO_ACCOUNTS === 'auto' && db.embedded)
  const demo = seedDemo ? await seedDemoAccounts(db.url) : []

  const publicUrl = env.PUBLIC_URL ?? `http://${env.HOST === '0.0.0.0' ? 'localhost' : env.HOST}:${env.PORT}`
  const nextBin = path.join(projectRoot, 'node_modules/next/dist/bin/next')
  const web = spawn(
    process.execPath,
    [nextBin, dev ? 'dev' : 'start', '--port', String(env.PORT), '--hostname', env.HOST],
    {
      cwd: projectRoot,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: {
        ...process.env,
        NODE_ENV: dev ? 'development' : 'production',
        DATABASE_URL: db.url,
        BETTER_AUTH_SECRET: await authSecret(env, dataDir),
        PUBLIC_URL: publicUrl,
      },
    },
  )

  let stopping = false
  const stop = async (code: number) => {
    if (stopping) return
    stopping = true
    web.kill('SIGTERM')
    await db.stop().catch(() => {})
    process.exit(code)
  }
  process.on('SIGINT', () => void stop(0))
  process.on('SIGTERM', () => void stop(0))
  web.on('exit', (code) => void stop(code ?? 1))

  await waitForHealth(`http://127.0.0.1:${env.PORT}`, web, dev ? 180_000 : 60_000)
  console.log(`\nHelix Academy is running: ${publicUrl}\n`)
  if (demo.length) {
    console.log('Demo accounts (shown only this once; create more with `npm run admin:create`):')
    for (const d of demo) console.log(`  ${d.role.padEnd(10)} ${d.email.padEnd(26)} ${d.password}`)
    console.log('')
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})

// Starts the whole platform: database (embedded unless DATABASE_URL is set), migrations,
// first-start demo accounts, the lab-runner, then the web app; prints where to open it.
// `--dev` runs the Next.js dev server (hot reload) instead of the production build.
import { createHash, randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { ConfigError, parseEnv, platformEnvSchema, type PlatformEnv } from '../config/env'
import { seedDemoAccounts } from './accounts/demo-accounts'
import { applyMigrations, projectRoot } from './db/migrations'
import { resolveDatabase } from './db/resolve-database'
import { embeddedDatabaseService } from './launcher/database-service'
import { spawnRunning, supervise, SupervisorGroup, type ServiceState } from './launcher/supervise'
import { startVideoJob } from './launcher/video-job'

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

async function runnerToken(env: PlatformEnv, dataDir: string): Promise<string> {
  if (env.RUNNER_SERVICE_TOKEN) return env.RUNNER_SERVICE_TOKEN
  // Generated once and kept with the data, like the auth secret.
  const file = path.join(dataDir, 'runner-token')
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim()
  const token = randomBytes(32).toString('hex')
  await writeFile(file, `${token}\n`, { mode: 0o600 })
  return token
}

interface RunnerSettings {
  /** Server-to-server URL of the runner's REST API. */
  url: string
  /** The runner as browsers reach it (terminal WebSockets, service tabs). */
  publicUrl: string
  token: string
  env: NodeJS.ProcessEnv
}

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost']

async function runnerSettings(
  env: PlatformEnv,
  dataDir: string,
  webPublicUrl: string,
): Promise<RunnerSettings> {
  const token = await runnerToken(env, dataDir)
  const web = new URL(webPublicUrl)
  // Browsers send the page's origin on the WebSocket upgrade; a loopback page may be opened
  // as either name, so both are allowed.
  const origins = LOOPBACK_NAMES.includes(web.hostname)
    ? LOOPBACK_NAMES.map((name) => `${web.protocol}//${name}${web.port ? `:${web.port}` : ''}`)
    : [web.origin]
  const publicUrl =
    env.RUNNER_PUBLIC_URL?.replace(/\/$/, '') ??
    `${web.protocol === 'https:' ? 'wss' : 'ws'}://${web.hostname}:${env.RUNNER_PORT}`
  // One runner per data folder: a runner only adopts or reaps sandboxes labelled with its
  // own instance, so a test platform never removes a developer's sandboxes (or the reverse).
  const instance =
    env.RUNNER_INSTANCE ?? `academy-${createHash('sha256').update(dataDir).digest('hex').slice(0, 10)}`
  // The runner needs neither the database nor the session secret.
  const inherited = { ...process.env }
  delete inherited.BETTER_AUTH_SECRET
  delete inherited.DATABASE_URL
  return {
    url: `http://${env.RUNNER_HOST === '0.0.0.0' ? '127.0.0.1' : env.RUNNER_HOST}:${env.RUNNER_PORT}`,
    publicUrl,
    token,
    env: {
      ...inherited,
      RUNNER_SERVICE_TOKEN: token,
      RUNNER_PORT: String(env.RUNNER_PORT),
      RUNNER_HOST: env.RUNNER_HOST,
      RUNNER_PUBLIC_ORIGINS: origins.join(','),
      RUNNER_INSTANCE: instance,
      LABS_DIR: env.LABS_DIR,
    },
  }
}

function spawnRunner(settings: RunnerSettings) {
  return spawnRunning(process.execPath, ['--import', 'tsx', 'lab-runner/src/main.ts'], {
    cwd: projectRoot,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: settings.env,
  })
}

const RUNNER_UNAVAILABLE =
  'Labs will show "The lab engine is unavailable" until it is fixed; everything else works.'

/** Waits for the runner's /healthz. Never throws: the web app starts without labs if it must. */
async function waitForRunner(url: string, state: () => ServiceState, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (state() === 'given-up') return
    const res = await fetch(`${url}/healthz`).catch(() => undefined)
    if (res?.ok) return
    if (res?.status === 503) {
      console.warn(
        `Warning: the lab-runner cannot reach the Docker engine (is dockerd running? see scripts/ensure-docker.sh). ${RUNNER_UNAVAILABLE}`,
      )
      return
    }
    await new Promise((r) => setTimeout(r, 300))
  }
  console.warn(
    `Warning: the lab-runner did not answer ${url}/healthz within ${timeoutMs / 1000} s. ${RUNNER_UNAVAILABLE}`,
  )
}

async function waitForHealth(url: string, state: () => ServiceState, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (state() === 'given-up' || state() === 'stopped')
      throw new Error('The web app did not start (see its log above).')
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
      ? `Database: embedded PostgreSQL (data in ${db.location ?? `${path.relative(projectRoot, dataDir)}/postgres`})`
      : 'Database: DATABASE_URL',
  )
  const applied = await applyMigrations(db.url)
  if (applied.length) console.log(`Applied migrations: ${applied.join(', ')}`)

  const seedDemo = env.SEED_DEMO_ACCOUNTS === 'yes' || (env.SEED_DEMO_ACCOUNTS === 'auto' && db.embedded)
  const demo = seedDemo ? await seedDemoAccounts(db.url) : []

  const publicUrl = env.PUBLIC_URL ?? `http://${env.HOST === '0.0.0.0' ? 'localhost' : env.HOST}:${env.PORT}`
  const runner = await runnerSettings(env, dataDir, publicUrl)
  // One media folder for the web app (uploads in, recordings out) and the media worker.
  const mediaDir = path.resolve(projectRoot, env.MEDIA_DIR ?? path.join(dataDir, 'media'))
  await mkdir(mediaDir, { recursive: true })
  const nextBin = path.join(projectRoot, 'node_modules/next/dist/bin/next')
  const webEnv: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: dev ? ('development' as const) : ('production' as const),
    DATABASE_URL: db.url,
    BETTER_AUTH_SECRET: await authSecret(env, dataDir),
    PUBLIC_URL: publicUrl,
    RUNNER_URL: runner.url,
    RUNNER_SERVICE_TOKEN: runner.token,
    RUNNER_PUBLIC_URL: runner.publicUrl,
    LABS_DIR: env.LABS_DIR,
    MEDIA_DIR: mediaDir,
  }

  // Every process is supervised the same way (docs/decisions/024-supervised-launcher.md):
  // restarted with back-off when it dies, given up after a crash loop, stopped in reverse
  // start order. A crash of one never stops the others.
  const group = new SupervisorGroup()
  let stopping = false
  const stop = async (code: number) => {
    if (stopping) return
    stopping = true
    await group.stopAll()
    if (!db.embedded) await db.stop().catch(() => {})
    process.exit(code)
  }
  const onGiveUp = (essential: boolean) => () => {
    if (!essential) return
    console.error('Stopping the platform: it cannot run without this process.')
    void stop(1)
  }
  process.on('SIGINT', () => void stop(0))
  process.on('SIGTERM', () => void stop(0))

  if (db.embedded) group.add(supervise(embeddedDatabaseService(env, db), { onGiveUp: onGiveUp(true) }))
  // A restarted runner re-adopts its sandboxes from the engine's labels; meanwhile the web app
  // keeps serving and shows labs as unavailable.
  const runnerService = group.add(
    supervise(
      {
        name: 'the lab-runner',
        essential: false,
        giveUpHint: RUNNER_UNAVAILABLE,
        start: () => spawnRunner(runner),
      },
      { onGiveUp: onGiveUp(false) },
    ),
  )
  await waitForRunner(runner.url, runnerService.state, 30_000)
  // The worker needs the database and the media folder, never the session secret.
  const workerEnv = { ...process.env }
  delete workerEnv.BETTER_AUTH_SECRET
  // Uploaded recordings wait in the queue (PostgreSQL) while the worker is down; nothing is lost.
  group.add(
    supervise(
      {
        name: 'the media worker',
        essential: false,
        giveUpHint: 'Uploaded recordings stay "processing" until it runs again; everything else works.',
        start: () =>
          spawnRunning(process.execPath, ['--import', 'tsx', 'scripts/media-worker.ts'], {
            cwd: projectRoot,
            stdio: ['ignore', 'inherit', 'inherit'],
            env: { ...workerEnv, DATABASE_URL: db.url, MEDIA_DIR: mediaDir },
          }),
      },
      { onGiveUp: onGiveUp(false) },
    ),
  )
  const listen = ['--port', String(env.PORT), '--hostname', env.HOST]
  // Production runs our own server around Next.js, which stamps each request with the client's
  // socket address (scripts/web-server.ts); the dev server keys rate limits on loopback.
  const webService = group.add(
    supervise(
      {
        name: 'the web app',
        essential: true,
        start: () =>
          spawnRunning(
            process.execPath,
            dev ? [nextBin, 'dev', ...listen] : ['--import', 'tsx', 'scripts/web-server.ts', ...listen],
            {
              cwd: projectRoot,
              stdio: ['ignore', 'inherit', 'inherit'],
              env: webEnv,
            },
          ),
      },
      { onGiveUp: onGiveUp(true) },
    ),
  )
  try {
    await waitForHealth(`http://127.0.0.1:${env.PORT}`, webService.state, dev ? 180_000 : 60_000)
  } catch (error) {
    console.error(error instanceof Error ? error.message : error)
    await stop(1)
  }
  console.log(`\nHelix Academy is running: ${publicUrl}`)
  console.log(`Lab engine (terminals): ${runner.publicUrl} · labs from ${env.LABS_DIR}\n`)
  if (demo.length) {
    console.log('Demo accounts (shown only this once; create more with `npm run admin:create`):')
    for (const d of demo) console.log(`  ${d.role.padEnd(10)} ${d.email.padEnd(26)} ${d.password}`)
    console.log('')
  }
  // Lessons without a current narrated video get one in the background; the platform is
  // already serving (docs/decisions/036-generated-lesson-videos.md).
  if (env.GENERATE_VIDEOS === 'yes') group.add(startVideoJob({ cwd: projectRoot, env: process.env }))
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})

// Two web app instances (the production build, scripts/web-server.ts as the systemd unit runs
// it) behind HAProxy with deploy/haproxy/academy.cfg's backend, on one PostgreSQL. A learner
// signs up and saves progress; one instance is killed with SIGKILL mid-use; the learner keeps
// working through HAProxy, signed in, and nothing saved is lost. Needs `npm run build` first.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../../tests/support/free-port'

const root = path.resolve(import.meta.dirname, '../..')
const lessonKey = 'production-operations/high-availability-design'
const children: ChildProcess[] = []
let tmp: string
let base: string
const ports = { web1: 0, web2: 0, proxy: 0 }
const logs: Record<'web1' | 'web2', string> = { web1: '', web2: '' }
let web1: ChildProcess
let proxyLog = ''

/** Polls `ok`; on time-out the error carries `detail()` (the instances' logs) to say why. */
async function waitFor(
  what: string,
  ok: () => Promise<boolean>,
  { ms = 150_000, detail = () => '' }: { ms?: number; detail?: () => string } = {},
): Promise<void> {
  const until = Date.now() + ms
  while (Date.now() < until) {
    if (await ok().catch(() => false)) return
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  throw new Error(`${what} did not happen within ${ms / 1000} s\n${detail()}`)
}

function instanceLogs(name: 'web1' | 'web2', child: ChildProcess): string {
  const exited = child.exitCode === null ? 'running' : `exited with ${child.exitCode}`
  return `${name} (${exited}), last output:\n${logs[name].slice(-4000)}`
}

function startWeb(name: 'web1' | 'web2', port: number): ChildProcess {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'scripts/web-server.ts', '--port', String(port), '--hostname', '127.0.0.1'],
    {
      cwd: root,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        PUBLIC_URL: base,
        TRUSTED_PROXIES: '127.0.0.1',
        DATA_DIR: path.join(tmp, 'data'),
        RUNNER_URL: 'http://127.0.0.1:9',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  child.stdout!.on('data', (chunk: Buffer) => (logs[name] += chunk.toString()))
  child.stderr!.on('data', (chunk: Buffer) => (logs[name] += chunk.toString()))
  children.push(child)
  return child
}

/** The operators' configuration: its defaults and its web backend, on loopback ports without TLS. */
async function haproxyConfig(): Promise<string> {
  const cfg = await readFile(path.join(root, 'deploy/haproxy/academy.cfg'), 'utf8')
  const block = (name: string) => new RegExp(`^${name}\\b[\\s\\S]*?(?=^\\S|$(?![\\s\\S]))`, 'm').exec(cfg)![0]
  const backend = block('backend academy_web')
    .replace(/server web1 \S+/, `server web1 127.0.0.1:${ports.web1}`)
    .replace(/server web2 \S+/, `server web2 127.0.0.1:${ports.web2}`)
  expect(backend).toContain('retry-on conn-failure')
  return [
    // HAProxy's own log (health checks, servers marked down) goes into a failure's message.
    'global\n  maxconn 256\n  log stderr format raw local0\n',
    block('defaults'),
    `frontend academy\n  bind 127.0.0.1:${ports.proxy}\n  unique-id-format %[uuid()]\n` +
      '  http-request set-header X-Request-Id %[unique-id]\n  default_backend academy_web\n',
    backend,
  ].join('\n')
}

let cookie = ''
async function call(method: string, url: string, body?: unknown): Promise<Response> {
  return fetch(base + url, {
    method,
    headers: { 'content-type': 'application/json', origin: base, cookie },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
}

beforeAll(async () => {
  if (!existsSync(path.join(root, '.next/BUILD_ID'))) throw new Error('Run `npm run build` first.')
  if (spawnSync('haproxy', ['-v']).error) throw new Error('Install haproxy (apt-get install haproxy).')
  tmp = await mkdtemp(path.join(os.tmpdir(), 'academy-two-web-'))
  ports.web1 = await freePort()
  ports.web2 = await freePort()
  ports.proxy = await freePort()
  base = `http://127.0.0.1:${ports.proxy}`
  web1 = startWeb('web1', ports.web1)
  const web2 = startWeb('web2', ports.web2)
  // Two production servers starting side by side on a busy two-core machine take a while.
  for (const [name, child, port] of [
    ['web1', web1, ports.web1],
    ['web2', web2, ports.web2],
  ] as const) {
    await waitFor(
      `web app ${name} on ${port} ready`,
      async () => (await fetch(`http://127.0.0.1:${port}/api/ready`)).ok,
      {
        detail: () => instanceLogs(name, child),
      },
    )
  }
  const cfgFile = path.join(tmp, 'haproxy.cfg')
  await writeFile(cfgFile, await haproxyConfig())
  const proxy = spawn('haproxy', ['-db', '-f', cfgFile], { stdio: ['ignore', 'ignore', 'pipe'] })
  proxy.stderr!.on('data', (chunk: Buffer) => (proxyLog += chunk.toString()))
  children.push(proxy)
  await waitFor('HAProxy up', async () => (await fetch(`${base}/api/ready`)).ok)
}, 360_000)

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL')
  if (tmp) await rm(tmp, { recursive: true, force: true })
})

describe('two web app instances behind HAProxy', () => {
  it('a learner keeps working, signed in, when one instance is killed; nothing is lost', async () => {
    const email = `two-web-${Date.now()}@example.com`
    const signUp = await call('POST', '/api/auth/sign-up/email', {
      name: 'Two Web',
      email,
      password: 'correct horse battery',
    })
    expect(signUp.status, `${await signUp.clone().text()}\nHAProxy:\n${proxyLog}`).toBe(200)
    cookie = signUp.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ')

    const save = async (second: number) => {
      const res = await call('POST', '/api/progress/video', {
        lessonKey,
        ranges: [[second, second + 1]],
        position: second + 1,
        duration: 600,
      })
      expect(res.status, `second ${second}: ${await res.clone().text()}\nHAProxy:\n${proxyLog}`).toBe(200)
      return res.headers.get('x-request-id')
    }
    // Round robin: both instances serve this learner's session.
    const ids: string[] = []
    for (let s = 0; s < 6; s += 2) ids.push((await save(s))!)
    expect(logs.web1 + logs.web2).toContain(`"requestId":"${ids[0]}"`)
    await waitFor('both instances served requests', async () =>
      (['web1', 'web2'] as const).every((n) => logs[n].includes('"path":"/api/progress/video"')),
    )

    web1.kill('SIGKILL')
    await new Promise((resolve) => web1.once('exit', resolve))
    // Straight away, before HAProxy's health check has noticed: every request still succeeds.
    for (let s = 6; s < 30; s += 2) await save(s)
    const session = await call('GET', '/api/auth/get-session')
    expect(((await session.json()) as { user: { email: string } }).user.email).toBe(email)

    const client = new pg.Client({ connectionString: process.env.DATABASE_URL })
    await client.connect()
    const { rows } = await client
      .query<{ ranges: number[][] }>(
        `select p."watchedRanges" as ranges from lesson_progress p join users u on u.id = p."userId"
          where u.email = $1 and p."lessonKey" = $2`,
        [email, lessonKey],
      )
      .finally(() => client.end())
    const watched = rows[0]!.ranges
    for (let s = 0; s < 30; s += 2) {
      expect(
        watched.some(([a, b]) => a! <= s && b! >= s + 1),
        `second ${s} saved`,
      ).toBe(true)
    }
  }, 120_000)
})

import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from './cli-run'
import { BASE_CONFIG_YAML, startTestService, type TestService } from './test-helpers'

const repoRoot = path.resolve(import.meta.dirname, '../../../..')

/** Runs one of our entry points as a real process through tsx. */
function runProcess(entry: string, args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, entry), ...args], {
    cwd: repoRoot,
    env: { NODE_ENV: 'test', PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exited = once(child, 'exit').then(([code]) => ({ code: code as number | null, stdout, stderr }))
  return { child, exited, output: () => stdout }
}

let svc: TestService
const tempDirs: string[] = []
const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'helixagent-proc-'))
  tempDirs.push(dir)
  return dir
}
beforeAll(async () => {
  svc = await startTestService()
})
afterAll(async () => {
  await svc.stop()
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true })
})

async function cli(args: string[], env: Record<string, string> = {}) {
  let out = ''
  let err = ''
  const code = await runCli(args, {
    env,
    out: (text) => void (out += text),
    err: (text) => void (err += text),
  })
  return { code, out, err }
}

describe('helixagent CLI', () => {
  it('exits 0 and prints the result for a verified provider (URL from HELIXAGENT_URL)', async () => {
    const result = await cli(['verify', '--provider', 'gemini', '--verbose'], { HELIXAGENT_URL: svc.url })
    expect(result.code).toBe(0)
    expect(result.out).toContain('Verified:   yes')
    expect(result.out).toContain('Score:      8.9')
    expect(result.out).toMatch(/Latency:\s+\d+ ms/)
    expect(result.out).toContain('[PASS] quality')
    expect(result.out).toContain('Rate limit: 60 requests/minute (configured)')
  })

  it('exits 1 with the reason when the provider fails, and --test auth checks only the key', async () => {
    await svc.control('POST', '/faults', { kind: 'auth', provider: 'claude', key: 'sk-new' })
    const full = await cli(['verify', '--provider', 'claude', '--url', svc.url])
    expect(full.code).toBe(1)
    expect(full.out).toContain('Verified:   no')
    expect(full.out).toContain('401 Unauthorized')
    const auth = await cli(['verify', '--provider', 'claude', '--test', 'auth', '--url', svc.url])
    expect(auth.code).toBe(1)
    expect(auth.out).toContain('Test:       auth')
    await svc.control('DELETE', '/faults')
    expect((await cli(['verify', '--provider', 'claude', '--test', 'auth', '--url', svc.url])).code).toBe(0)
  })

  it('exits 2 on usage errors, unknown providers and an unreachable service', async () => {
    expect((await cli(['verify'])).code).toBe(2)
    expect((await cli(['verify', '--provider', 'claude', '--test', 'latency'])).code).toBe(2)
    const unknown = await cli(['verify', '--provider', 'openai', '--url', svc.url])
    expect(unknown.code).toBe(2)
    expect(unknown.err).toContain('unknown provider "openai"')
    const down = await cli(['verify', '--provider', 'claude', '--url', 'http://127.0.0.1:1'])
    expect(down.code).toBe(2)
    expect(down.err).toContain('cannot reach HelixAgent at http://127.0.0.1:1')
    expect((await cli(['version'])).out).toMatch(/^helixagent 1\.0\.0-standin/)
  })

  it('sets the process exit code when run as a real command', async () => {
    await svc.control('POST', '/faults', { kind: 'degrade', provider: 'mistral' })
    const { exited } = runProcess('cli.ts', ['verify', '--provider', 'mistral', '--verbose'], {
      HELIXAGENT_URL: svc.url,
    })
    const result = await exited
    expect(result.code).toBe(1)
    expect(result.stdout).toContain('Score:      5.8')
    expect(result.stdout).toContain('[FAIL] quality')
    await svc.control('DELETE', '/faults')
  })
})

describe('helixagent serve as a process', () => {
  it('starts without a database (unhealthy, 503), and the crash fault exits non-zero', async () => {
    const dir = tempDir()
    const configPath = path.join(dir, 'config.yaml')
    writeFileSync(configPath, BASE_CONFIG_YAML)
    const { child, exited, output } = runProcess('main.ts', ['--config', configPath], {
      HELIXAGENT_PORT: '0',
      HELIXAGENT_CONTROL_PORT: '0',
      HELIXAGENT_CONTROL_TOKEN: 'proc-token',
      DB_HOST: '127.0.0.1',
      DB_PORT: '1',
      INSTANCE_ID: 'proc-1',
    })
    // Ports come from the start-up log line.
    let started: { port: number; control_port: number } | undefined
    for (let i = 0; i < 100 && !started; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100))
      const line = output()
        .split('\n')
        .find((l) => l.includes('"helixagent started"'))
      if (line) started = JSON.parse(line) as { port: number; control_port: number }
    }
    if (!started) child.kill('SIGKILL')
    expect(started, output()).toBeDefined()
    if (!started) return
    const health = await fetch(`http://127.0.0.1:${started.port}/health`)
    expect(health.status).toBe(503)
    expect(await health.json()).toMatchObject({
      status: 'unhealthy',
      instance: 'proc-1',
      database: { status: 'down' },
    })
    const crash = await fetch(`http://127.0.0.1:${started.control_port}/faults`, {
      method: 'POST',
      headers: { authorization: 'Bearer proc-token' },
      body: JSON.stringify({ kind: 'crash', exit_code: 7 }),
    })
    expect(crash.status).toBe(202)
    const result = await exited
    expect(result.code).toBe(7)
    expect(result.stdout).toContain('crash fault injected')
  })

  it('refuses to start on an invalid config, naming the key', async () => {
    const dir = tempDir()
    const configPath = path.join(dir, 'config.yaml')
    writeFileSync(configPath, BASE_CONFIG_YAML.replace('enabled: true', 'enabled: yes please'))
    const result = await runProcess('main.ts', [], { HELIXAGENT_CONFIG: configPath }).exited
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('providers.claude.enabled')
  })
})

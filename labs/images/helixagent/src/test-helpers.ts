/**
 * Test doubles for the network edge (PostgreSQL, Redis) and a helper that runs the real
 * service in-process on loopback. Imported only by *.test.ts files.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { ConfigHolder } from './config-holder'
import { readEnv } from './env'
import type { LogSink } from './logger'
import { startService, type RunningService } from './service'
import type {
  Cache,
  DebatePatch,
  DebateRecord,
  DependencyStatus,
  Store,
  TaskPatch,
  TaskRecord,
} from './store'
import { StoreUnavailableError } from './store'

export class MemoryStore implements Store {
  readonly debates = new Map<string, DebateRecord>()
  readonly tasks = new Map<string, TaskRecord>()
  primaryUp = true
  replica: DependencyStatus = { status: 'not_configured' }

  private guard(): void {
    if (!this.primaryUp) throw new StoreUnavailableError('connect ECONNREFUSED (test: primary down)')
  }
  async insertDebate(debate: DebateRecord) {
    this.guard()
    this.debates.set(debate.id, structuredClone(debate))
  }
  async updateDebate(id: string, patch: DebatePatch) {
    this.guard()
    const current = this.debates.get(id)
    if (current)
      this.debates.set(id, { ...current, ...structuredClone(patch), updated_at: new Date().toISOString() })
  }
  async getDebate(id: string) {
    this.guard()
    return structuredClone(this.debates.get(id) ?? null)
  }
  async listDebates(limit: number) {
    this.guard()
    return [...this.debates.values()].reverse().slice(0, limit)
  }
  async deleteDebate(id: string) {
    this.guard()
    return this.debates.delete(id)
  }
  async insertTask(task: TaskRecord) {
    this.guard()
    this.tasks.set(task.id, structuredClone(task))
  }
  async updateTask(id: string, patch: TaskPatch) {
    this.guard()
    const current = this.tasks.get(id)
    if (current)
      this.tasks.set(id, { ...current, ...structuredClone(patch), updated_at: new Date().toISOString() })
  }
  async getTask(id: string) {
    this.guard()
    return structuredClone(this.tasks.get(id) ?? null)
  }
  async checkPrimary(): Promise<DependencyStatus> {
    return this.primaryUp
      ? { status: 'up', latency_ms: 0 }
      : { status: 'down', error: 'connect ECONNREFUSED (test)' }
  }
  async checkReplica(): Promise<DependencyStatus> {
    return this.replica
  }
  async close() {}
}

export class MemoryCache implements Cache {
  readonly mode = 'cluster' as const
  readonly entries = new Map<string, string>()
  up = true
  async check(): Promise<DependencyStatus> {
    return this.up
      ? { status: 'up', mode: this.mode }
      : { status: 'down', mode: this.mode, error: 'CLUSTERDOWN (test)' }
  }
  async get(key: string) {
    return this.up ? (this.entries.get(key) ?? null) : null
  }
  async set(key: string, value: string) {
    if (this.up) this.entries.set(key, value)
  }
  async del(key: string) {
    this.entries.delete(key)
  }
  async close() {}
}

export const BASE_CONFIG_YAML = `
server:
  port: 8080
providers:
  claude:
    name: Claude
    models: [claude-3-5-sonnet]
    api_key: sk-old-claude
    rate_limit:
      requests_per_minute: 60
    enabled: true
    fallback: gemini
  deepseek:
    name: DeepSeek
    models: [deepseek-chat]
    api_key: sk-deepseek
    rate_limit:
      requests_per_minute: 60
    enabled: true
    fallback: null
  gemini:
    name: Gemini
    models: [gemini-1.5-pro]
    api_key: sk-gemini
    rate_limit:
      requests_per_minute: 60
    enabled: true
    fallback: null
  qwen:
    name: Qwen
    models: [qwen-max]
    api_key: sk-qwen
    enabled: true
  mistral:
    name: Mistral
    models: [mistral-large]
    api_key: sk-mistral
    enabled: true
debate:
  rounds: 2
  participants: 3
`

export interface TestService extends RunningService {
  url: string
  controlUrl: string
  configPath: string
  store: MemoryStore
  cache: MemoryCache
  lines: string[]
  logs(): Array<Record<string, unknown>>
  writeConfig(yaml: string): void
  control(method: string, path: string, body?: unknown): Promise<Response>
  crashes: number[]
}

export const CONTROL_TOKEN = 'test-control-token'

export async function startTestService(
  options: { yaml?: string; env?: Record<string, string> } = {},
): Promise<TestService> {
  const dir = mkdtempSync(path.join(tmpdir(), 'helixagent-test-'))
  const configPath = path.join(dir, 'config.yaml')
  writeFileSync(configPath, options.yaml ?? BASE_CONFIG_YAML)
  const env = readEnv(
    { HELIXAGENT_CONTROL_TOKEN: CONTROL_TOKEN, INSTANCE_ID: 'test-1', ...options.env },
    { configPath },
  )
  if (!env.ok) throw new Error(env.error)
  const config = ConfigHolder.fromFile(configPath)
  if (!config.ok) throw new Error(config.error)
  const lines: string[] = []
  const stdout: LogSink = { write: (line) => void lines.push(line) }
  const store = new MemoryStore()
  const cache = new MemoryCache()
  const crashes: number[] = []
  const service = await startService({
    config: config.value,
    env: env.value,
    store,
    cache,
    stdout,
    crash: (code) => void crashes.push(code),
    port: 0,
    controlPort: 0,
    host: '127.0.0.1',
    startVerifier: false,
    executionsFile: path.join(dir, 'executions.log'),
  })
  await service.verifier.verifyAll()
  const url = `http://127.0.0.1:${service.port}`
  const controlUrl = `http://127.0.0.1:${service.controlPort ?? 0}`
  return {
    ...service,
    stop: async () => {
      await service.stop()
      rmSync(dir, { recursive: true, force: true })
    },
    url,
    controlUrl,
    configPath,
    store,
    cache,
    lines,
    crashes,
    logs: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
    writeConfig: (yaml) => writeFileSync(configPath, yaml),
    control: (method, route, body) =>
      fetch(`${controlUrl}${route}`, {
        method,
        headers: { authorization: `Bearer ${CONTROL_TOKEN}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
  }
}

/** One sample of a metric from Prometheus text, e.g. sample(text, 'x_total', {a: 'b'}). */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number | null {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`)
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$/.exec(line)
    if (!match || match[1] !== name) continue
    const labelText = match[2] ?? ''
    if (
      wanted.every((pair) => labelText.includes(pair)) &&
      (labelText.match(/="/g) ?? []).length === wanted.length
    ) {
      return Number(match[3])
    }
  }
  return null
}

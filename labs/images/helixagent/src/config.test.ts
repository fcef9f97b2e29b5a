import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseConfigText } from './config'
import { ConfigHolder } from './config-holder'
import { parseGoMemLimit, readEnv } from './env'
import { BASE_CONFIG_YAML } from './test-helpers'

describe('config file validation', () => {
  it('accepts the course runbook shape: providers as a map keyed by id, with defaults filled in', () => {
    const result = parseConfigText(BASE_CONFIG_YAML, 'config.yaml')
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(Object.keys(result.value.providers)).toEqual(['claude', 'deepseek', 'gemini', 'qwen', 'mistral'])
    expect(result.value.providers.claude?.rate_limit.requests_per_minute).toBe(60)
    expect(result.value.providers.claude?.fallback).toBe('gemini')
    expect(result.value.providers.qwen?.fallback).toBeNull()
    expect(result.value.providers.qwen?.rate_limit.requests_per_minute).toBe(60)
    expect(result.value.tracing.sampling_ratio).toBe(0.1)
    expect(result.value.server.port).toBe(8080)
    expect(result.value.verification.interval_seconds).toBe(15)
  })

  it('rejects an unknown key and names its full path', () => {
    const yaml = BASE_CONFIG_YAML.replace(
      '      requests_per_minute: 60\n    enabled: true\n    fallback: gemini',
      '      requests_per_minute: 60\n      request_per_minute: 30\n    enabled: true\n    fallback: gemini',
    )
    const result = parseConfigText(yaml, 'config.yaml')
    expect(result).toEqual({
      ok: false,
      error: 'config.yaml: providers.claude.rate_limit.request_per_minute: unknown key',
    })
  })

  it('rejects an unknown top-level key', () => {
    const result = parseConfigText(`${BASE_CONFIG_YAML}\nmetrics: {}\n`, 'c.yaml')
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.error).toContain('metrics: unknown key')
  })

  it('rejects a bad value and names the key path', () => {
    const yaml = BASE_CONFIG_YAML.replace('requests_per_minute: 60', 'requests_per_minute: "thirty"')
    const result = parseConfigText(yaml, 'config.yaml')
    expect(result.ok).toBe(false)
    if (!result.ok)
      expect(result.error).toMatch(
        /^config\.yaml: providers\.claude\.rate_limit\.requests_per_minute: .*number/,
      )
  })

  it('rejects a sampling ratio outside [0, 1] and a fallback that is not a configured provider', () => {
    const badRatio = parseConfigText(`${BASE_CONFIG_YAML}\ntracing:\n  sampling_ratio: 2\n`, 'c.yaml')
    expect(badRatio.ok === false && badRatio.error.includes('tracing.sampling_ratio')).toBe(true)
    const badFallback = parseConfigText(
      BASE_CONFIG_YAML.replace('fallback: gemini', 'fallback: openai'),
      'c.yaml',
    )
    expect(badFallback.ok).toBe(false)
    if (!badFallback.ok)
      expect(badFallback.error).toContain('providers.claude.fallback: unknown provider "openai"')
  })

  it('requires providers to be a map, not a list', () => {
    const result = parseConfigText('providers:\n  - name: Claude\n    models: [x]\n', 'c.yaml')
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.error).toContain('providers:')
  })

  it('keeps log files under /var/log/helixagent/', () => {
    const result = parseConfigText(`${BASE_CONFIG_YAML}\nlogging:\n  file: /tmp/x.log\n`, 'c.yaml')
    expect(result.ok === false && result.error.includes('logging.file')).toBe(true)
  })

  it('reports invalid YAML and an unreadable file clearly', () => {
    const yaml = parseConfigText('providers: [unclosed', 'c.yaml')
    expect(yaml.ok === false && yaml.error.startsWith('c.yaml: not valid YAML')).toBe(true)
    const missing = ConfigHolder.fromFile('/nonexistent/helixagent.yaml')
    expect(missing.ok === false && missing.error.includes('ENOENT')).toBe(true)
  })
})

describe('ConfigHolder.reload', () => {
  it('swaps in a valid file and keeps the running config when the new file is invalid', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'helixagent-cfg-'))
    const file = path.join(dir, 'config.yaml')
    writeFileSync(file, BASE_CONFIG_YAML)
    const holder = ConfigHolder.fromFile(file)
    expect(holder.ok).toBe(true)
    if (!holder.ok) return
    writeFileSync(file, BASE_CONFIG_YAML.replace('requests_per_minute: 60', 'requests_per_minute: 30'))
    const good = holder.value.reload()
    expect(good.ok).toBe(true)
    expect(holder.value.current.providers.claude?.rate_limit.requests_per_minute).toBe(30)

    writeFileSync(file, BASE_CONFIG_YAML.replace('requests_per_minute: 60', 'requests_per_minute: -5'))
    const bad = holder.value.reload()
    expect(bad.ok).toBe(false)
    expect(holder.value.current.providers.claude?.rate_limit.requests_per_minute).toBe(30)
    rmSync(dir, { recursive: true, force: true })
  })
})

describe('environment', () => {
  it('parses REDIS_NODES, GOMEMLIMIT, GOGC and the control settings', () => {
    const env = readEnv({
      REDIS_NODES: 'redis-node-1:6379, redis-node-2:6379,redis-node-3:6379',
      GOMEMLIMIT: '1800MiB',
      GOGC: '50',
      DB_PORT: '6432',
      HELIXAGENT_CONTROL_TOKEN: 'x',
      INSTANCE_ID: 'helixagent-2',
    })
    expect(env.ok).toBe(true)
    if (!env.ok) return
    expect(env.value.redis.nodes).toEqual(['redis-node-1:6379', 'redis-node-2:6379', 'redis-node-3:6379'])
    expect(env.value.runtime).toEqual({
      gomemlimit: '1800MiB',
      gogc: '50',
      gomemlimitBytes: 1800 * 1024 * 1024,
    })
    expect(env.value.database.port).toBe(6432)
    expect(env.value.control).toEqual({ port: 9901, token: 'x' })
    expect(env.value.instanceId).toBe('helixagent-2')
    expect(env.value.configPath).toBe('/etc/helixagent/config.yaml')
  })

  it('names the bad variable', () => {
    expect(readEnv({ GOMEMLIMIT: 'lots' })).toMatchObject({
      ok: false,
      error: expect.stringContaining('GOMEMLIMIT'),
    })
    expect(readEnv({ DB_PORT: 'x' })).toMatchObject({ ok: false, error: expect.stringContaining('DB_PORT') })
    expect(readEnv({ REDIS_NODES: 'a,b' })).toMatchObject({
      ok: false,
      error: expect.stringContaining('REDIS_NODES'),
    })
    expect(readEnv({ LOG_LEVEL: 'trace' })).toMatchObject({
      ok: false,
      error: expect.stringContaining('LOG_LEVEL'),
    })
  })

  it('reads Go memory limits like Go does', () => {
    expect(parseGoMemLimit('1GiB')).toBe(1024 ** 3)
    expect(parseGoMemLimit('512')).toBe(512)
    expect(parseGoMemLimit('1.5GiB')).toBeNull()
  })
})

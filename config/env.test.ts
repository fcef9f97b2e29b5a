import { describe, expect, it } from 'vitest'
import { ConfigError, parseEnv, platformEnvSchema, webEnvSchema } from './env'

describe('parseEnv', () => {
  it('applies defaults for an empty environment', () => {
    const env = parseEnv(platformEnvSchema, {})
    expect(env.PORT).toBe(3000)
    expect(env.DATABASE_URL).toBeUndefined()
    expect(env.SEED_DEMO_ACCOUNTS).toBe('auto')
  })

  it('names every bad variable and what it expects', () => {
    let error: unknown
    try {
      parseEnv(platformEnvSchema, { PORT: 'eighty', DATABASE_URL: 'mysql://x', SEED_DEMO_ACCOUNTS: 'maybe' })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ConfigError)
    const message = (error as ConfigError).message
    expect(message).toContain('PORT is "eighty"')
    expect(message).toContain('DATABASE_URL')
    expect(message).toContain('PostgreSQL URL')
    expect(message).toContain('SEED_DEMO_ACCOUNTS is "maybe": must be auto')
  })

  it('never echoes secrets or URLs back', () => {
    expect(() =>
      parseEnv(webEnvSchema, { DATABASE_URL: 'postgresql://u:p@h/db', BETTER_AUTH_SECRET: 'short-secret' }),
    ).toThrow(/BETTER_AUTH_SECRET is "…": must be at least 32 characters/)
  })

  it('reports a missing required variable', () => {
    expect(() => parseEnv(webEnvSchema, { BETTER_AUTH_SECRET: 'x'.repeat(40) })).toThrow(
      /DATABASE_URL is not set: required/,
    )
  })

  it('treats empty strings as unset', () => {
    expect(parseEnv(platformEnvSchema, { PORT: '' }).PORT).toBe(3000)
  })

  it('configures the lab-runner with safe defaults and never echoes its token', () => {
    const platform = parseEnv(platformEnvSchema, {})
    expect(platform).toMatchObject({ RUNNER_PORT: 4100, RUNNER_HOST: '127.0.0.1', LABS_DIR: 'labs' })
    expect(platform.RUNNER_SERVICE_TOKEN).toBeUndefined()
    const web = parseEnv(webEnvSchema, {
      DATABASE_URL: 'postgresql://u:p@h/db',
      BETTER_AUTH_SECRET: 'x'.repeat(40),
    })
    expect(web).toMatchObject({
      RUNNER_URL: 'http://127.0.0.1:4100',
      RUNNER_PUBLIC_URL: 'ws://127.0.0.1:4100',
    })
    expect(() => parseEnv(platformEnvSchema, { RUNNER_SERVICE_TOKEN: 'short-token' })).toThrow(
      /RUNNER_SERVICE_TOKEN is "…": must be at least 32 characters/,
    )
    expect(() => parseEnv(platformEnvSchema, { RUNNER_PUBLIC_URL: 'http://labs.example.com/x' })).toThrow(
      /RUNNER_PUBLIC_URL is "…": must be the runner's WebSocket origin/,
    )
  })
})

describe('TRUSTED_PROXIES', () => {
  const base = { DATABASE_URL: 'postgresql://u:p@h/db', BETTER_AUTH_SECRET: 's'.repeat(32) }
  it('is an empty list when unset and a trimmed list when set', () => {
    expect(parseEnv(webEnvSchema, base).TRUSTED_PROXIES).toEqual([])
    expect(
      parseEnv(webEnvSchema, { ...base, TRUSTED_PROXIES: '10.0.0.2, fd00::/8' }).TRUSTED_PROXIES,
    ).toEqual(['10.0.0.2', 'fd00::/8'])
  })
  it('names the entry that is not an address or range', () => {
    expect(() => parseEnv(webEnvSchema, { ...base, TRUSTED_PROXIES: '10.0.0.2,proxy.internal' })).toThrow(
      /TRUSTED_PROXIES .*"proxy.internal" is not an IP address or CIDR range/,
    )
  })
})

describe('capacity and tab settings', () => {
  const base = { DATABASE_URL: 'postgresql://u:p@h/db', BETTER_AUTH_SECRET: 's'.repeat(32) }
  it('defaults to one live lab per user, open sign-up and labs for everyone', () => {
    const env = parseEnv(webEnvSchema, base)
    expect(env).toMatchObject({ LIVE_LABS_PER_USER: 1, SIGN_UP_MODE: 'open', LAB_ACCESS: 'everyone' })
    expect(env.RUNNER_TABS_URL).toBeUndefined()
  })
  it('requires SIGN_UP_DOMAINS with SIGN_UP_MODE=domains and normalises them', () => {
    expect(() => parseEnv(webEnvSchema, { ...base, SIGN_UP_MODE: 'domains' })).toThrow(
      /SIGN_UP_DOMAINS is not set: required when SIGN_UP_MODE=domains/,
    )
    const env = parseEnv(webEnvSchema, {
      ...base,
      SIGN_UP_MODE: 'domains',
      SIGN_UP_DOMAINS: '@Corp.Example, b.example',
    })
    expect(env.SIGN_UP_DOMAINS).toEqual(['corp.example', 'b.example'])
    expect(() => parseEnv(webEnvSchema, { ...base, SIGN_UP_DOMAINS: 'not a domain' })).toThrow(
      /not an e-mail domain/,
    )
  })
  it('refuses a live-lab limit below one and a tab URL that is not an origin', () => {
    expect(() => parseEnv(webEnvSchema, { ...base, LIVE_LABS_PER_USER: '0' })).toThrow(
      /LIVE_LABS_PER_USER.*at least 1/,
    )
    expect(
      parseEnv(webEnvSchema, { ...base, RUNNER_TABS_URL: 'https://{sandbox}.tabs.example.net' })
        .RUNNER_TABS_URL,
    ).toBe('https://{sandbox}.tabs.example.net')
    expect(() =>
      parseEnv(webEnvSchema, { ...base, RUNNER_TABS_URL: 'https://tabs.example.net/path' }),
    ).toThrow(/RUNNER_TABS_URL .*http\(s\) origin/)
  })
})

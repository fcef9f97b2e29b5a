import { describe, expect, it } from 'vitest'
import { loadConfig } from './config'

const token = 'x'.repeat(32)

describe('loadConfig', () => {
  it('applies defaults', () => {
    const result = loadConfig({ RUNNER_SERVICE_TOKEN: token })
    expect(result).toMatchObject({
      ok: true,
      config: {
        port: 4100,
        host: '127.0.0.1',
        maxSandboxes: 10,
        maxStarting: 2,
        publicOrigins: [],
        dockerSocket: '/var/run/docker.sock',
        instance: 'default',
        engine: { kind: 'docker' },
      },
    })
  })

  it('reads the Swarm engine settings and says what swarm mode is missing', () => {
    const result = loadConfig({
      RUNNER_SERVICE_TOKEN: token,
      RUNNER_ENGINE: 'swarm',
      DOCKER_HOST: 'tcp://10.0.0.2:2376',
      DOCKER_TLS_VERIFY: '1',
      DOCKER_CERT_PATH: '/etc/academy/docker',
      RUNNER_SWARM_REGISTRY: 'registry.example.org:5000',
      RUNNER_SWARM_NODE_ENGINES: 'node-2=tcp://10.0.0.3:2376, node-3=tcp://10.0.0.4:2376',
    })
    expect(result).toMatchObject({
      ok: true,
      config: {
        engine: {
          kind: 'swarm',
          managerUrl: 'tcp://10.0.0.2:2376',
          certPath: '/etc/academy/docker',
          registry: 'registry.example.org:5000',
          enginePort: 2376,
          nodeEngines: { 'node-2': 'tcp://10.0.0.3:2376', 'node-3': 'tcp://10.0.0.4:2376' },
          constraints: ['node.labels.academy.sandboxes==true'],
        },
      },
    })
    const noRegistry = loadConfig({ RUNNER_SERVICE_TOKEN: token, RUNNER_ENGINE: 'swarm' })
    expect(noRegistry.ok).toBe(false)
    if (!noRegistry.ok)
      expect(noRegistry.problems.join('\n')).toMatch(/RUNNER_SWARM_REGISTRY: is required .*--push/)
    const noCerts = loadConfig({
      RUNNER_SERVICE_TOKEN: token,
      RUNNER_ENGINE: 'swarm',
      RUNNER_SWARM_REGISTRY: 'r:5000',
      DOCKER_TLS_VERIFY: '1',
    })
    if (noCerts.ok) throw new Error('accepted TLS without certificates')
    expect(noCerts.problems.join('\n')).toMatch(/DOCKER_CERT_PATH: is required/)
    const badEngine = loadConfig({ RUNNER_SERVICE_TOKEN: token, RUNNER_ENGINE: 'kubernetes' })
    if (badEngine.ok) throw new Error('accepted an unknown engine')
    expect(badEngine.problems.join('\n')).toMatch(/RUNNER_ENGINE: must be docker or swarm/)
    const badNodes = loadConfig({
      RUNNER_SERVICE_TOKEN: token,
      RUNNER_ENGINE: 'swarm',
      RUNNER_SWARM_REGISTRY: 'r:5000',
      RUNNER_SWARM_NODE_ENGINES: 'node-2:2376',
    })
    if (badNodes.ok) throw new Error('accepted a malformed node list')
    expect(badNodes.problems.join('\n')).toMatch(/hostname=tcp:\/\/host:port/)
  })

  it('reads warm pool sizes, budget and age, and explains a malformed size list', () => {
    const result = loadConfig({
      RUNNER_SERVICE_TOKEN: token,
      RUNNER_POOL_SIZES: 'ha-setup=2, dr-test=1',
      RUNNER_POOL_MEMORY_MB: '1024',
      RUNNER_POOL_MAX_AGE_MINUTES: '30',
    })
    expect(result).toMatchObject({
      ok: true,
      config: {
        pools: {
          sizes: { 'ha-setup': 2, 'dr-test': 1 },
          memoryBudgetBytes: 1024 * 1024 * 1024,
          maxAgeMs: 30 * 60_000,
        },
      },
    })
    const bad = loadConfig({ RUNNER_SERVICE_TOKEN: token, RUNNER_POOL_SIZES: 'ha-setup:2' })
    expect(bad.ok).toBe(false)
    if (!bad.ok)
      expect(bad.problems.join('\n')).toContain('RUNNER_POOL_SIZES: must be a comma-separated list')
  })

  it('lists every bad variable, and never echoes the token', () => {
    const result = loadConfig({
      RUNNER_SERVICE_TOKEN: 'short-secret',
      RUNNER_PORT: 'eighty',
      RUNNER_MAX_SANDBOXES: '0',
      RUNNER_MAX_STARTING: '1.5',
    })
    expect(result.ok).toBe(false)
    const problems = result.ok ? [] : result.problems
    expect(problems).toHaveLength(4)
    expect(problems.join('\n')).toMatch(/RUNNER_MAX_STARTING: /)
    expect(problems.join('\n')).toMatch(/RUNNER_SERVICE_TOKEN: must be at least 32 characters/)
    expect(problems.join('\n')).not.toContain('short-secret')
    expect(loadConfig({})).toMatchObject({
      ok: false,
      problems: [expect.stringMatching(/^RUNNER_SERVICE_TOKEN: is required/)],
    })
  })

  it('reads the security settings: metrics listener, disk budget, firewall override', () => {
    const defaults = loadConfig({ RUNNER_SERVICE_TOKEN: token })
    expect(defaults).toMatchObject({
      ok: true,
      config: { sandboxDiskBytes: 2048 * 1024 * 1024, unsafeNoFirewall: false },
    })
    expect(defaults.ok && defaults.config.metrics).toBeUndefined()
    const set = loadConfig({
      RUNNER_SERVICE_TOKEN: token,
      RUNNER_METRICS_PORT: '9464',
      RUNNER_SANDBOX_DISK_MB: '64',
      RUNNER_UNSAFE_NO_FIREWALL: '1',
    })
    expect(set).toMatchObject({
      ok: true,
      config: {
        metrics: { host: '127.0.0.1', port: 9464 },
        sandboxDiskBytes: 64 * 1024 * 1024,
        unsafeNoFirewall: true,
      },
    })
    const bad = loadConfig({
      RUNNER_SERVICE_TOKEN: token,
      RUNNER_SANDBOX_DISK_MB: '1',
      RUNNER_UNSAFE_NO_FIREWALL: 'yes',
    })
    expect(bad.ok ? [] : bad.problems).toEqual([
      expect.stringMatching(/^RUNNER_SANDBOX_DISK_MB: /),
      expect.stringMatching(/^RUNNER_UNSAFE_NO_FIREWALL: must be 1\/true/),
    ])
  })

  it('splits public origins', () => {
    const result = loadConfig({
      RUNNER_SERVICE_TOKEN: token,
      RUNNER_PUBLIC_ORIGINS: 'http://localhost:3000, https://academy.example',
    })
    expect(result.ok && result.config.publicOrigins).toEqual([
      'http://localhost:3000',
      'https://academy.example',
    ])
  })
})

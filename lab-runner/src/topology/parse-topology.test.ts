import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { DEFAULT_MEMORY_BYTES, DEFAULT_PIDS_LIMIT, parseTopology, parseTopologyFile } from './parse-topology'
import { containerCreateOptions } from './docker-driver'

const fixtures = path.resolve(import.meta.dirname, '../../test-fixtures/labs')
const options = {
  composeDir: path.join(fixtures, 'sample'),
  bindRoot: fixtures,
  variables: { TOKEN: 't0k', SEED: '42' },
}

function issuesOf(yaml: string) {
  const result = parseTopology(yaml, options)
  if (result.ok) throw new Error('expected the topology to be rejected')
  return result.issues
}

describe('parseTopology', () => {
  it('rejects unknown keys with their path, and explains known-but-unsupported ones', () => {
    const issues = issuesOf(`
services:
  web:
    image: x
    colour: blue
  api:
    image: x
    ports: ["8080:80"]
`)
    expect(issues).toContainEqual({
      path: 'services.web.colour',
      message: expect.stringContaining('unknown key "colour"'),
    })
    expect(issues).toContainEqual({
      path: 'services.api.ports',
      message: expect.stringContaining('publish no ports'),
    })
  })

  it('rejects an unknown top-level key and a bad depends_on condition with paths', () => {
    const issues = issuesOf(`
services:
  api:
    image: x
    depends_on:
      db: { condition: service_ready }
networks: {}
`)
    const paths = issues.map((i) => i.path)
    expect(paths).toContain('services.api.depends_on.db.condition')
    expect(issues.some((i) => i.path === '(root)' && i.message.includes('networks'))).toBe(true)
  })

  it('reports depends_on on unknown services, cycles, and service_healthy without a healthcheck', () => {
    expect(issuesOf(`services: { api: { image: x, depends_on: [db] } }`)).toEqual([
      { path: 'services.api.depends_on.db', message: 'depends on unknown service "db"' },
    ])
    expect(
      issuesOf(`services: { a: { image: x, depends_on: [b] }, b: { image: x, depends_on: [a] } }`)[0]
        ?.message,
    ).toMatch(/cycle among: a, b/)
    expect(
      issuesOf(
        `services: { a: { image: x, depends_on: { b: { condition: service_healthy } } }, b: { image: x } }`,
      )[0]?.message,
    ).toMatch(/needs a healthcheck on "b"/)
  })

  it('interpolates variables and reports undefined ones by path', () => {
    const result = parseTopology(
      `services:\n  a:\n    image: x\n    environment: { TOKEN: "\${TOKEN}", LEVEL: "\${LEVEL:-info}", PRICE: "$$5" }\n    command: echo "seed \${SEED}"`,
      options,
    )
    expect(result.ok && result.topology.services[0]?.env).toEqual(['TOKEN=t0k', 'LEVEL=info', 'PRICE=$5'])
    expect(result.ok && result.topology.services[0]?.command).toEqual(['echo', 'seed 42'])
    expect(issuesOf(`services: { a: { image: x, environment: ["A=\${NOPE}"] } }`)).toEqual([
      { path: 'services.a.environment[0]', message: expect.stringContaining('${NOPE}') },
    ])
  })

  it('only mounts lab files read-only, and named volumes that are declared', () => {
    const issues = issuesOf(`
services:
  a:
    image: x
    volumes: ["/etc:/host-etc:ro", "./checks:/checks", "undeclared:/data"]
`)
    expect(issues.map((i) => i.path)).toEqual([
      'services.a.volumes[0]',
      'services.a.volumes[1]',
      'services.a.volumes[2]',
    ])
    expect(issues[0]?.message).toMatch(/outside the labs folder/)
    expect(issues[1]?.message).toMatch(/must be read-only/)
    expect(issues[2]?.message).toMatch(/not declared/)
  })

  it('orders services by dependency and applies default limits', () => {
    const result = parseTopologyFile(path.join(fixtures, 'sample/topology.yaml'), {
      bindRoot: fixtures,
      variables: { POSTGRES_PASSWORD: 'p', ACADEMY_SEED: '7', HELIXAGENT_CONTROL_TOKEN: 'h' },
    })
    if (!result.ok) throw new Error(JSON.stringify(result.issues))
    const names = result.topology.services.map((s) => s.name)
    expect(names.indexOf('workstation')).toBeGreaterThan(names.indexOf('db'))
    expect(names.indexOf('workstation')).toBeGreaterThan(names.indexOf('seed'))
    const seed = result.topology.services.find((s) => s.name === 'seed')
    expect(seed?.command).toEqual(['bash', '-c', 'echo "seed=7" > /data/seed.txt'])
    expect(seed?.memoryBytes).toBe(DEFAULT_MEMORY_BYTES)
    expect(seed?.pidsLimit).toBe(DEFAULT_PIDS_LIMIT)
    const workstation = result.topology.services.find((s) => s.name === 'workstation')
    expect(workstation).toMatchObject({
      memoryBytes: 96 * 1024 ** 2,
      nanoCpus: 0.25e9,
      pidsLimit: 64,
      capAdd: ['CHOWN'],
    })

    const body = containerCreateOptions('sbx-1', workstation!, 'academy-sbx-1', { 'academy.test': '1' })
    expect(body.HostConfig).toMatchObject({
      CapDrop: ['ALL'],
      CapAdd: ['CHOWN'],
      SecurityOpt: ['no-new-privileges'],
      PidsLimit: 64,
    })
    expect(body.HostConfig?.PortBindings).toBeUndefined()
    expect(body.NetworkingConfig?.EndpointsConfig?.['academy-sbx-1']?.Aliases).toEqual(['workstation'])
  })

  it('rejects capabilities outside the allow-list', () => {
    const issues = issuesOf(`services: { a: { image: x, x-academy: { capAdd: [SYS_ADMIN] } } }`)
    expect(issues[0]?.path).toBe('services.a.x-academy.capAdd[0]')
  })

  it('allows NET_RAW and NET_ADMIN only when the lab justifies them', () => {
    const yaml = `services: { a: { image: x, x-academy: { capAdd: [CHOWN, NET_RAW, NET_ADMIN] } } }`
    const issues = issuesOf(yaml)
    expect(issues.map((i) => i.path)).toEqual([
      'services.a.x-academy.capAdd[1]',
      'services.a.x-academy.capAdd[2]',
    ])
    expect(issues[0]?.message).toMatch(
      /NET_RAW is off the default allow-list; the lab definition must justify it/,
    )
    const partly = parseTopology(yaml, { ...options, justifiedCapabilities: ['NET_RAW'] })
    expect(partly.ok ? [] : partly.issues.map((i) => i.path)).toEqual(['services.a.x-academy.capAdd[2]'])
    const justified = parseTopology(yaml, { ...options, justifiedCapabilities: ['NET_RAW', 'NET_ADMIN'] })
    expect(justified.ok && justified.topology.services[0]?.capAdd).toEqual(['CHOWN', 'NET_RAW', 'NET_ADMIN'])
  })

  it('checks bind sources by their real path: a symlink inside the labs folder cannot mount the host', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'labs-'))
    try {
      mkdirSync(path.join(root, 'lab', 'files'), { recursive: true })
      symlinkSync('/etc', path.join(root, 'lab', 'host-etc'))
      symlinkSync(path.join(root, 'lab', 'files'), path.join(root, 'lab', 'files-link'))
      const opts = { composeDir: path.join(root, 'lab'), bindRoot: root, variables: {} }
      const escaped = parseTopology(`services: { a: { image: x, volumes: ["./host-etc:/x:ro"] } }`, opts)
      expect(escaped.ok ? [] : escaped.issues).toEqual([
        { path: 'services.a.volumes[0]', message: expect.stringMatching(/outside the labs folder/) },
      ])
      // A link that stays inside is fine, and Docker is given the resolved path.
      const inside = parseTopology(`services: { a: { image: x, volumes: ["./files-link:/x:ro"] } }`, opts)
      expect(inside.ok && inside.topology.services[0]?.volumes[0]).toMatchObject({
        kind: 'bind',
        hostPath: realpathSync(path.join(root, 'lab', 'files')),
      })
    } finally {
      rmSync(root, { recursive: true, force: true })
    }
  })
})

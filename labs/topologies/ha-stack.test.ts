// Structural checks of the reference topology against the images it names and the default
// configs baked into them (Prometheus targets, HAProxy backends), so a renamed service or a
// missing healthcheck is caught before a sandbox fails to start.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { z } from 'zod'
import { imageCatalog } from '../../scripts/images/catalog'

const here = import.meta.dirname
const imagesDir = path.join(here, '..', 'images')

const service = z.strictObject({
  image: z.string(),
  command: z.array(z.string()).optional(),
  entrypoint: z.array(z.string()).optional(),
  environment: z.record(z.string(), z.string()).optional(),
  volumes: z.array(z.string()).optional(),
  depends_on: z
    .record(
      z.string(),
      z.strictObject({
        condition: z.enum(['service_started', 'service_healthy', 'service_completed_successfully']),
      }),
    )
    .optional(),
  healthcheck: z
    .strictObject({
      test: z.array(z.string()).min(2),
      interval: z.string().optional(),
      timeout: z.string().optional(),
      retries: z.number().optional(),
      start_period: z.string().optional(),
    })
    .optional(),
  mem_limit: z.string().regex(/^\d+m$/),
  cpus: z.number().positive(),
  pids_limit: z.number().int().positive(),
  user: z.string().optional(),
  hostname: z.string().optional(),
  restart: z.literal('no').optional(),
  'x-academy': z
    .strictObject({ capAdd: z.array(z.string()).optional(), reseed: z.array(z.string()).min(1).optional() })
    .optional(),
})
const topologySchema = z.strictObject({
  name: z.string(),
  'x-academy': z.strictObject({ secrets: z.array(z.string()) }),
  volumes: z.record(z.string(), z.strictObject({})),
  services: z.record(z.string(), service),
})

const text = readFileSync(path.join(here, 'ha-stack.yaml'), 'utf8')
const topology = topologySchema.parse(parse(text))
const services = topology.services
const names = Object.keys(services)

describe('labs/topologies/ha-stack.yaml', () => {
  it('has every host of the course architecture', () => {
    for (const host of [
      'lb',
      'helixagent-1',
      'helixagent-2',
      'helixagent-3',
      'pg-primary',
      'pg-replica',
      'pgbouncer',
      'redis-1',
      'redis-2',
      'redis-3',
      'prometheus',
      'alertmanager',
      'postgres-exporter',
      'redis-exporter',
      'workstation',
      'grader',
    ]) {
      expect(names).toContain(host)
    }
  })

  it('only names images the builder produces', () => {
    const built = new Set(imageCatalog.map((spec) => `helix-academy/${spec.name}:latest`))
    for (const [name, svc] of Object.entries(services))
      expect(built.has(svc.image), `${name}: ${svc.image}`).toBe(true)
  })

  it('has consistent dependencies, healthchecks, one-shot jobs and volumes', () => {
    for (const [name, svc] of Object.entries(services)) {
      for (const [target, { condition }] of Object.entries(svc.depends_on ?? {})) {
        const dependency = services[target]
        expect(dependency, `${name} depends on missing ${target}`).toBeDefined()
        if (condition === 'service_healthy')
          expect(dependency?.healthcheck, `${target} needs a healthcheck`).toBeDefined()
        if (condition === 'service_completed_successfully')
          expect(dependency?.restart, `${target} must be one-shot`).toBe('no')
      }
      // A long-running service without a healthcheck could never be waited for.
      if (svc.restart !== 'no') expect(svc.healthcheck, `${name} has no healthcheck`).toBeDefined()
      for (const volume of svc.volumes ?? []) {
        const source = volume.split(':')[0] ?? ''
        expect(Object.keys(topology.volumes), `${name} mounts undeclared volume ${source}`).toContain(source)
      }
    }
    const configMounts = names.filter((name) =>
      services[name]?.volumes?.some((v) => v.startsWith('helixagent-config:/etc/helixagent')),
    )
    expect(configMounts).toEqual(
      expect.arrayContaining(['helixagent-1', 'helixagent-2', 'helixagent-3', 'workstation']),
    )
  })

  it('wires HelixAgent to PgBouncer and the whole Redis Cluster, which the init job creates', () => {
    const redisNodes = names.filter((name) => /^redis-\d$/.test(name)).map((name) => `${name}:6379`)
    expect(services['redis-cluster-init']?.command).toEqual(['redis-cluster-init', ...redisNodes])
    for (const instance of ['helixagent-1', 'helixagent-2', 'helixagent-3']) {
      expect(services[instance]?.environment).toMatchObject({
        DB_HOST: 'pgbouncer',
        REDIS_NODES: redisNodes.join(','),
        INSTANCE_ID: instance,
      })
    }
  })

  it('keeps the memory budget of a lab sandbox', () => {
    const limitsMb = Object.values(services).map((svc) => Number.parseInt(svc.mem_limit, 10))
    const total = limitsMb.reduce((sum, mb) => sum + mb, 0)
    // Limits are ceilings; measured idle use is 250–270 MB (labs/topologies/README.md).
    expect(total).toBeLessThanOrEqual(2048)
  })

  it('matches the default Prometheus targets and HAProxy backends baked into the images', () => {
    const prometheus = z
      .object({
        scrape_configs: z.array(
          z.object({ static_configs: z.array(z.object({ targets: z.array(z.string()) })) }),
        ),
      })
      .parse(parse(readFileSync(path.join(imagesDir, 'prometheus', 'prometheus.yml'), 'utf8')))
    const hosts = prometheus.scrape_configs.flatMap((job) =>
      job.static_configs.flatMap((c) => c.targets.map((t) => t.split(':')[0])),
    )
    for (const host of hosts)
      if (host !== 'localhost') expect(names, `prometheus scrapes ${host}`).toContain(host)

    const haproxy = readFileSync(path.join(imagesDir, 'haproxy', 'haproxy.cfg'), 'utf8')
    const backends = [...haproxy.matchAll(/^\s*server\s+\S+\s+([^:\s]+):8080/gm)].map((m) => m[1])
    expect(backends).toEqual(['helixagent-1', 'helixagent-2', 'helixagent-3'])
  })
})

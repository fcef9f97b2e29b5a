// The Swarm service body carries the same isolation controls as the single-engine container.
import path from 'node:path'
import type Docker from 'dockerode'
import { describe, expect, it } from 'vitest'
import { containerCreateOptions } from '../../topology/docker-driver'
import { parseTopology, type Topology } from '../../topology/parse-topology'
import { serviceCreateBody, swarmServiceStatus } from './service-spec'
import { allowedBy, volumeGroups } from './swarm-engine'

const fixtures = path.resolve(import.meta.dirname, '../../../test-fixtures/labs')

function topology(yaml: string): Topology {
  const parsed = parseTopology(yaml, {
    composeDir: path.join(fixtures, 'sample'),
    bindRoot: fixtures,
    variables: {},
  })
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues))
  return parsed.topology
}

const stack = topology(`
services:
  db:
    image: helix-academy/postgres:latest
    restart: unless-stopped
    volumes: [db-data:/var/lib/postgresql/data]
    mem_limit: 300m
    cpus: 0.5
    pids_limit: 100
    x-academy:
      capAdd: [CHOWN]
    tmpfs: ["/run/postgresql"]
    healthcheck:
      test: ["CMD", "pg_isready"]
      interval: 2s
  config-init:
    image: helix-academy/helixagent:latest
    restart: "no"
    volumes: [shared-config:/etc/app]
  app:
    image: helix-academy/helixagent:latest
    command: ["serve"]
    volumes: [shared-config:/etc/app:ro]
    depends_on:
      config-init: { condition: service_completed_successfully }
  tools:
    image: helix-academy/workstation:latest
    volumes: [shared-config:/etc/app, tools-home:/home]
  lb:
    image: helix-academy/haproxy:latest
volumes:
  db-data: {}
  shared-config: {}
  tools-home: {}
`)

const service = (name: string) => {
  const found = stack.services.find((s) => s.name === name)
  if (!found) throw new Error(name)
  return found
}

describe('serviceCreateBody', () => {
  const labels = { 'academy.runner': 'r1' }
  const body = serviceCreateBody({
    sandboxId: 'sbx-1',
    service: service('db'),
    image: 'localhost:5000/helix-academy/postgres:0123456789ab',
    network: 'academy-sbx-1',
    labels,
    configs: [{ configId: 'c1', configName: 'academy-sbx-1-abc', target: '/lab/run.sh', mode: 0o555 }],
    constraints: ['node.labels.academy.sandboxes==true'],
    nodeId: 'node-a',
  }) as {
    Name: string
    Labels: Record<string, string>
    TaskTemplate: Record<string, Record<string, unknown>>
    EndpointSpec: unknown
    Mode: unknown
  }
  const single = containerCreateOptions('sbx-1', service('db'), 'academy-sbx-1', labels)
  const container = body.TaskTemplate['ContainerSpec'] as Record<string, unknown>

  it('keeps the single engine’s isolation controls and limits', () => {
    expect(container['CapabilityDrop']).toEqual(single.HostConfig?.CapDrop)
    expect(container['CapabilityAdd']).toEqual(single.HostConfig?.CapAdd)
    expect(container['Init']).toBe(true)
    expect(body.TaskTemplate['Resources']).toEqual({
      Limits: {
        MemoryBytes: single.HostConfig?.Memory,
        NanoCPUs: single.HostConfig?.NanoCpus,
        Pids: single.HostConfig?.PidsLimit,
      },
    })
    expect(container['DNSConfig']).toEqual({ Nameservers: single.HostConfig?.Dns, Search: [], Options: [] })
    expect(body.TaskTemplate['LogDriver']).toEqual({
      Name: single.HostConfig?.LogConfig?.Type,
      Options: single.HostConfig?.LogConfig?.Config,
    })
    // The same probe; Swarm would replace an unhealthy task, so Docker never calls it unhealthy
    // and the topology's retries travel in a label (swarmServiceStatus).
    expect(container['HealthCheck']).toEqual({ ...single.Healthcheck, Retries: 1_000_000 })
    // No published ports, one replica, names resolved by DNS on the sandbox's own network.
    expect(body.EndpointSpec).toEqual({ Mode: 'dnsrr' })
    expect(body.Mode).toEqual({ Replicated: { Replicas: 1 } })
    expect(body.TaskTemplate['Networks']).toEqual([{ Target: 'academy-sbx-1', Aliases: ['db'] }])
  })

  it('labels the service and its container, pins it, and mounts volumes, tmpfs and configs', () => {
    expect(body.Name).toBe('academy-sbx-1-db')
    expect(body.Labels).toMatchObject({
      'academy.runner': 'r1',
      'academy.sandbox': 'sbx-1',
      'academy.host': 'db',
    })
    expect(container['Labels']).toEqual({ ...body.Labels, 'academy.health-retries': '3' })
    expect(container['Image']).toBe('localhost:5000/helix-academy/postgres:0123456789ab')
    expect(body.TaskTemplate['Placement']).toEqual({
      Constraints: ['node.labels.academy.sandboxes==true', 'node.id==node-a'],
    })
    expect(container['Mounts']).toEqual([
      expect.objectContaining({
        Type: 'volume',
        Source: 'academy-sbx-1-db-data',
        Target: '/var/lib/postgresql/data',
      }),
      expect.objectContaining({ Type: 'tmpfs', Target: '/run/postgresql' }),
    ])
    expect(container['Configs']).toEqual([
      {
        ConfigID: 'c1',
        ConfigName: 'academy-sbx-1-abc',
        File: { Name: '/lab/run.sh', UID: '0', GID: '0', Mode: 0o555 },
      },
    ])
  })

  it('maps Compose restart policies and command/entrypoint to Swarm’s', () => {
    const job = serviceCreateBody({
      sandboxId: 'sbx-1',
      service: service('config-init'),
      image: 'i',
      network: 'n',
      labels,
      configs: [],
      constraints: [],
    }) as { TaskTemplate: Record<string, Record<string, unknown>> }
    expect(job.TaskTemplate['RestartPolicy']).toEqual({ Condition: 'none' })
    expect(body.TaskTemplate['RestartPolicy']).toMatchObject({ Condition: 'any' })
    const app = serviceCreateBody({
      sandboxId: 'sbx-1',
      service: service('app'),
      image: 'i',
      network: 'n',
      labels,
      configs: [],
      constraints: [],
    }) as { TaskTemplate: Record<string, Record<string, unknown>> }
    // Compose's `command` replaces the image's CMD: Swarm's Args, not its Command (the ENTRYPOINT).
    expect(app.TaskTemplate['ContainerSpec']).toMatchObject({ Args: ['serve'] })
    expect(app.TaskTemplate['ContainerSpec']).not.toHaveProperty('Command')
    expect(app.TaskTemplate['Placement']).toEqual({ Constraints: [] })
  })
})

describe('volumeGroups', () => {
  it('puts services that share a named volume, directly or through another, on one node', () => {
    const groups = volumeGroups(stack.services)
    expect(groups.get('config-init')).toBe(groups.get('app'))
    expect(groups.get('tools')).toBe(groups.get('app'))
    expect(groups.get('db')).not.toBe(groups.get('app'))
    // Services without volumes may go anywhere.
    expect(groups.has('lb')).toBe(false)
  })
})

describe('allowedBy', () => {
  const node = {
    id: 'n1',
    hostname: 'worker-1',
    addr: '10.0.0.3',
    state: 'ready',
    availability: 'active',
    role: 'worker',
    labels: { 'academy.sandboxes': 'true' },
    memoryBytes: 0,
    nanoCpus: 0,
  }
  it('counts only nodes the placement constraints allow', () => {
    expect(allowedBy(['node.labels.academy.sandboxes==true'], node)).toBe(true)
    expect(allowedBy(['node.labels.academy.sandboxes==true'], { ...node, labels: {} })).toBe(false)
    expect(allowedBy(['node.role!=manager', 'node.hostname==worker-1'], node)).toBe(true)
    expect(allowedBy(['node.role==manager'], node)).toBe(false)
    // Constraints the runner cannot evaluate are Swarm's to apply.
    expect(allowedBy(['engine.labels.zone==a'], node)).toBe(true)
  })
})

describe("a Swarm task container's status", () => {
  const inspect = (health: { Status: string; FailingStreak: number } | undefined, retries?: string) =>
    ({
      State: { Status: 'running', ExitCode: 0, ...(health ? { Health: health } : {}) },
      Config: { Labels: retries === undefined ? {} : { 'academy.health-retries': retries } },
    }) as unknown as Docker.ContainerInspectInfo

  it('is unhealthy once its probe failed as often as the topology allows, as on one engine', () => {
    expect(swarmServiceStatus('app', inspect({ Status: 'healthy', FailingStreak: 2 }, '3'))).toMatchObject({
      health: 'healthy',
    })
    expect(swarmServiceStatus('app', inspect({ Status: 'healthy', FailingStreak: 3 }, '3'))).toMatchObject({
      state: 'running',
      health: 'unhealthy',
    })
    expect(swarmServiceStatus('app', inspect({ Status: 'starting', FailingStreak: 5 }, '3'))).toMatchObject({
      health: 'unhealthy',
    })
  })

  it('reports what Docker says for containers without the label or without a healthcheck', () => {
    expect(swarmServiceStatus('app', inspect({ Status: 'healthy', FailingStreak: 9 }))).toMatchObject({
      health: 'healthy',
    })
    expect(swarmServiceStatus('app', inspect(undefined, '3'))).toMatchObject({ health: 'none' })
  })
})

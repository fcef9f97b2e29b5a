// The test Swarm cluster (swarm-cluster.ts) against the real Docker engine: three nodes form a
// swarm, an image pushed from the host pulls on a worker under the same reference, two tasks on
// different workers talk TCP over an internal overlay network, a killed node is reported down,
// leftovers of dead test processes are found, and remove() leaves nothing behind.
import { existsSync } from 'node:fs'
import os from 'node:os'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { docker } from '../../scripts/images/docker-cli'
import {
  SWARM_LABEL,
  SWARM_OWNER_LABEL,
  dockerOnNode,
  engineClient,
  listSwarmNodes,
  pushImagesToCluster,
  removeLeftoverSwarmClusters,
  startSwarmCluster,
  type SwarmCluster,
  type SwarmNode,
} from './swarm-cluster'

// The smallest lab image that has a TCP server and its client (redis-server, redis-cli).
const LAB_IMAGE = 'helix-academy/redis:latest'
const OVERLAY = 'smoke-overlay'

let cluster: SwarmCluster
let labImage = ''
const timings: Record<string, string> = {}
const since = (started: number): string => `${((Date.now() - started) / 1000).toFixed(1)} s`
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

function node(name: string): SwarmNode {
  const found = cluster.nodes.find((n) => n.name === name)
  if (!found) throw new Error(`no node ${name}`)
  return found
}

async function onNode(target: SwarmNode, args: string[], timeoutMs = 60_000): Promise<string> {
  const result = await dockerOnNode(target, args, timeoutMs)
  if (result.code !== 0)
    throw new Error(`docker ${args.join(' ')} on ${target.name}: ${result.stderr.trim()}`)
  return result.stdout.trim()
}

/** The id of the running task container of `service` on `target`, once there is one. */
async function taskContainer(target: SwarmNode, service: string, timeoutMs = 90_000): Promise<string> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const filter = `label=com.docker.swarm.service.name=${service}`
    const id = await onNode(target, ['ps', '-q', '--filter', filter, '--filter', 'status=running'])
    if (id !== '') return id.split('\n')[0]!
    if (Date.now() > deadline) {
      const tasks = await onNode(cluster.manager, ['service', 'ps', '--no-trunc', service])
      throw new Error(
        `No running task of ${service} on ${target.name} after ${timeoutMs / 1000} s:\n${tasks}`,
      )
    }
    await sleep(500)
  }
}

async function labelled(kind: 'ps -a' | 'volume ls' | 'network ls', prefix: string): Promise<string> {
  const listed = await docker([...kind.split(' '), '-q', '--filter', `label=${SWARM_LABEL}=${prefix}`])
  return listed.stdout.trim()
}

beforeAll(async () => {
  let started = Date.now()
  cluster = await startSwarmCluster({ prefix: 'smoke', onProgress: (line) => console.log(line) })
  timings['cluster up'] = since(started)
  started = Date.now()
  labImage = (await pushImagesToCluster(cluster, [LAB_IMAGE])).get(LAB_IMAGE) ?? ''
  timings[`push ${LAB_IMAGE}`] = since(started)
}, 300_000)

afterAll(async () => {
  await cluster?.remove()
  console.log(`swarm smoke timings: ${JSON.stringify(timings)}`)
}, 120_000)

describe('a three-node test swarm', () => {
  it('has one manager and two workers, Ready, Active and labelled for sandboxes', async () => {
    expect(cluster.nodes.map((n) => [n.name, n.role])).toEqual([
      ['manager-1', 'manager'],
      ['worker-1', 'worker'],
      ['worker-2', 'worker'],
    ])
    const states = await listSwarmNodes(cluster)
    expect(states.map((s) => [s.hostname, s.status, s.availability]).sort()).toEqual([
      ['manager-1', 'ready', 'active'],
      ['worker-1', 'ready', 'active'],
      ['worker-2', 'ready', 'active'],
    ])
    for (const each of cluster.nodes) {
      // The Engine API as the lab-runner reaches it: dockerode over tcp://<node ip>:2375.
      const info = await engineClient(each).info()
      expect(info.Swarm.NodeID).toBe(each.nodeId)
      const labels = await onNode(cluster.manager, [
        'node',
        'inspect',
        '--format',
        '{{json .Spec.Labels}}',
        each.nodeId,
      ])
      expect(JSON.parse(labels)).toEqual({ 'academy.sandboxes': 'true' })
    }
    expect(cluster.registry).toMatch(/^127\.0\.0\.1:\d+$/)
    expect(labImage).toBe(`${cluster.registry}/${LAB_IMAGE}`)
  })

  it('pulls on a worker the image the host pushed, under the same reference', async () => {
    const started = Date.now()
    await onNode(node('worker-1'), ['pull', '-q', labImage], 180_000)
    timings['pull on worker-1'] = since(started)
    expect(await onNode(node('worker-1'), ['image', 'ls', '-q', labImage])).not.toBe('')
  }, 200_000)

  it('carries TCP between tasks on different workers over an internal overlay network', async () => {
    const started = Date.now()
    const { manager } = cluster
    await onNode(manager, ['network', 'create', '--driver=overlay', '--internal', '--attachable', OVERLAY])
    // dnsrr: VIP mode needs IPVS, which this kernel does not have ("No route to host").
    for (const [service, where] of [
      ['redis-a', 'worker-1'],
      ['redis-b', 'worker-2'],
    ] as const) {
      await onNode(manager, [
        'service',
        'create',
        '--detach',
        '--quiet',
        `--name=${service}`,
        `--network=${OVERLAY}`,
        '--endpoint-mode=dnsrr',
        `--constraint=node.hostname==${where}`,
        labImage,
      ])
    }
    const a = await taskContainer(node('worker-1'), 'redis-a')
    await taskContainer(node('worker-2'), 'redis-b')

    // From worker-1's task to the service name of worker-2's task, across the overlay.
    const deadline = Date.now() + 30_000
    let answer = ''
    while (answer !== 'PONG' && Date.now() < deadline) {
      const ping = await dockerOnNode(node('worker-1'), ['exec', a, 'redis-cli', '-h', 'redis-b', 'PING'])
      answer = ping.stdout.trim() || ping.stderr.trim()
      if (answer !== 'PONG') await sleep(500)
    }
    expect(answer).toBe('PONG')
    timings['two tasks talking across nodes'] = since(started)

    // The lab-runner relies on dockerd's --no-new-privileges reaching Swarm tasks.
    const status = await onNode(node('worker-1'), ['exec', a, 'grep', 'NoNewPrivs', '/proc/1/status'])
    expect(status).toMatch(/NoNewPrivs:\s+1/)
  }, 200_000)

  it('reports a killed node down', async () => {
    const started = Date.now()
    await cluster.killNode('worker-2')
    let states = await listSwarmNodes(cluster)
    while (!states.some((s) => s.hostname === 'worker-2' && s.status === 'down')) {
      if (Date.now() - started > 90_000)
        throw new Error(`worker-2 not down after 90 s: ${JSON.stringify(states)}`)
      await sleep(500)
      states = await listSwarmNodes(cluster)
    }
    timings['killed node reported down'] = since(started)
    expect(
      states
        .filter((s) => s.status === 'ready')
        .map((s) => s.hostname)
        .sort(),
    ).toEqual(['manager-1', 'worker-1'])
    await expect(cluster.killNode('nobody')).rejects.toThrow('No swarm node "nobody"')
  }, 120_000)

  it('removes only the leftovers of test processes that are gone', async () => {
    // Stand-ins: one volume "left" by a process id that cannot exist, one by this process.
    const dead = `smoke-leftover-dead-${process.pid}`
    const alive = `smoke-leftover-alive-${process.pid}`
    for (const [name, pid] of [
      [dead, 2 ** 30],
      [alive, process.pid],
    ] as const) {
      const created = await docker([
        'volume',
        'create',
        `--label=${SWARM_LABEL}=${name}`,
        `--label=${SWARM_OWNER_LABEL}=${os.hostname()}:${pid}`,
        name,
      ])
      expect(created.code).toBe(0)
    }
    try {
      const removed = await removeLeftoverSwarmClusters()
      expect(removed).toContain(dead)
      expect(removed).not.toContain(alive)
      expect(removed).not.toContain(cluster.prefix)
      expect(await labelled('volume ls', dead)).toBe('')
      expect(await labelled('volume ls', alive)).not.toBe('')
    } finally {
      await docker(['volume', 'rm', '-f', dead, alive])
    }
  })

  it('removes nodes, registry, volumes, network and cgroups, and may be called again', async () => {
    const started = Date.now()
    await cluster.remove()
    timings['remove'] = since(started)
    await cluster.remove()
    for (const kind of ['ps -a', 'volume ls', 'network ls'] as const) {
      expect(await labelled(kind, cluster.prefix), kind).toBe('')
    }
    expect(existsSync(`/sys/fs/cgroup/memory/academy-test-swarm/${cluster.prefix}`)).toBe(false)
  }, 120_000)
})

// npm run bench:swarm [-- --runs 3] [-- --spread 6]
// The runner with RUNNER_ENGINE=swarm against the default single engine, on this machine: a
// three-node Swarm of Docker-in-Docker nodes (the test harness's cluster, with a registry) and
// the host's own engine, both running the full HA stack (labs/topologies/ha-stack.yaml):
//  - sandbox ready, one at a time: median of --runs on one engine, then on the cluster (the
//    cluster's first start, when the nodes pull the images, is shown on its own);
//  - --spread sandboxes asked for at once on the cluster (RUNNER_MAX_STARTING 2): time until all
//    are ready, and how Swarm spread their services over the three nodes.
// The cluster shares this machine's cores, so its figures show the runner's overhead on Swarm,
// not what three real machines would give. Everything it creates is removed at the end.
import Docker from 'dockerode'
import { ensureImages } from '../images/build-images'
import { pushImages } from '../images/push-images'
import { dockerFromUrl } from '../../lab-runner/src/engine/swarm/node-engines'
import { swarmEngine } from '../../lab-runner/src/engine/swarm/swarm-engine'
import type { SandboxRegistry } from '../../lab-runner/src/sandboxes/sandbox-registry'
import { startSwarmCluster, type SwarmCluster } from '../../tests/support/swarm-cluster'
import { boundedRun, describeMachine, flagValue, fmt, header, line } from './support/bench-kit'
import { HA_STACK_SLUG, median, newHaStackRegistry, removeRunnerResources } from './support/ha-stack-lab'

const runs = flagValue('runs', 3)
const spread = flagValue('spread', 6)
const docker = new Docker()
let cluster: SwarmCluster | undefined
const registries: SandboxRegistry[] = []
const singleInstances: string[] = []

/** Seconds from create to ready (provisioning included), or throws with the runner's reason. */
async function readyIn(registry: SandboxRegistry, userId: string): Promise<{ id: string; seconds: number }> {
  const started = performance.now()
  const outcome = await registry.create({ userId, labSlug: HA_STACK_SLUG })
  if (outcome.status === 'error') throw new Error(outcome.message)
  if (outcome.status === 'queued') throw new Error('queued: the bench asks for no more than capacity')
  const id = outcome.sandbox.id
  const settled = await registry.whenSettled(id)
  if (settled?.state !== 'ready') throw new Error(`sandbox ${id} failed: ${settled?.error ?? 'gone'}`)
  return { id, seconds: (performance.now() - started) / 1000 }
}

async function oneAtATime(registry: SandboxRegistry, count: number): Promise<number[]> {
  const seconds: number[] = []
  for (let i = 0; i < count; i++) {
    const { id, seconds: s } = await readyIn(registry, `bench-${i}`)
    seconds.push(s)
    await registry.delete(id)
  }
  return seconds
}

await boundedRun({
  name: 'bench:swarm',
  limitMs: 60 * 60_000,
  async body() {
    const images = await ensureImages()
    if (!images.ok) throw new Error(`lab images are not available: ${images.message}`)
    header(`bench:swarm — ${await describeMachine()}`)

    const single = newHaStackRegistry({ docker, maxSandboxes: 2, maxConcurrentProvisioning: 2 })
    registries.push(single.registry)
    singleInstances.push(single.instance)
    await single.registry.start()
    const oneEngine = await oneAtATime(single.registry, runs)
    line(`one engine: sandbox ready (median of ${runs})`, `${fmt(median(oneEngine))} s`)

    let phase = performance.now()
    cluster = await startSwarmCluster({ prefix: 'bench' })
    line('cluster up (3 nodes + registry)', `${fmt((performance.now() - phase) / 1000)} s`)
    phase = performance.now()
    const pushed = await pushImages(images.images, cluster.registry)
    if (!pushed.ok) throw new Error(pushed.message)
    line(`images pushed (${pushed.references.length})`, `${fmt((performance.now() - phase) / 1000)} s`)

    const engine = swarmEngine({
      manager: dockerFromUrl(cluster.manager.engineUrl),
      builder: docker,
      registry: cluster.registry,
      nodes: { port: 2375, overrides: {} },
      constraints: ['node.labels.academy.sandboxes==true'],
    })
    const swarm = newHaStackRegistry({
      docker,
      engine,
      // Per machine: three nodes hold `spread` sandboxes.
      maxSandboxes: Math.ceil(spread / 3),
      maxConcurrentProvisioning: 2,
    })
    registries.push(swarm.registry)
    await swarm.registry.start()
    const [first = Number.NaN, ...rest] = await oneAtATime(swarm.registry, runs + 1)
    line('swarm: first ready (nodes pull images)', `${fmt(first)} s`)
    const onSwarm = median(rest)
    line(`swarm: sandbox ready (median of ${rest.length})`, `${fmt(onSwarm)} s`)
    line('swarm / one engine', `${fmt(onSwarm / median(oneEngine), 2)}×`)

    phase = performance.now()
    const all = await Promise.allSettled(
      Array.from({ length: spread }, (_, i) => readyIn(swarm.registry, `bench-spread-${i}`)),
    )
    const ready = all.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))
    const failed = all.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []))
    line(
      `swarm: ${spread} sandboxes at once, all ready`,
      `${fmt((performance.now() - phase) / 1000)} s (${ready.length} ready, ${failed.length} failed${failed[0] ? `: ${failed[0].slice(0, 120)}` : ''})`,
    )
    const nodes = await engine.nodes.refresh()
    const perNode = new Map(nodes.map((n) => [n.hostname, { services: 0, sandboxes: new Set<string>() }]))
    for (const { id } of ready) {
      for (const address of Object.values(swarm.registry.getSandbox(id)?.hosts ?? {})) {
        const hostname = nodes.find((n) => n.id === engine.nodes.nodeOf(address.containerId))?.hostname
        const entry = hostname ? perNode.get(hostname) : undefined
        if (!entry) continue
        entry.services += 1
        entry.sandboxes.add(id)
      }
    }
    for (const [hostname, entry] of perNode)
      line(`  on ${hostname}`, `${entry.services} services of ${entry.sandboxes.size} sandboxes`)
  },
  async cleanup() {
    for (const registry of registries) {
      for (const sandbox of registry.list()) await registry.delete(sandbox.id).catch(() => {})
      await registry.stop()
    }
    for (const instance of singleInstances) await removeRunnerResources(docker, instance)
    await cluster?.remove()
  },
})

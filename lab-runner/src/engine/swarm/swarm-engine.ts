// RUNNER_ENGINE=swarm: each sandbox is an internal, attachable overlay network plus one Swarm
// service per topology service. Swarm places the tasks; the runner follows each task to its
// node (node-engines.ts) for terminals, files, checks and health. Services that share a named
// volume must share a node (a volume lives on one node), and a restarted service must come back
// to its node (its volume, and the learner's edits to it, are there): so the first service of
// each volume group, and every service without volumes, is placed by Swarm, and the node it got
// is then written into the placement constraints of it and the rest of its group. A node that
// goes down therefore takes its sandboxes with it, visibly (lostSandboxes), instead of Swarm
// restarting their services elsewhere with empty state.
import type Docker from 'dockerode'
import type { ServiceStatus } from '../../../../contracts/runner-api'
import { measureDiskUsage, type SandboxDiskUsage } from '../../sandboxes/disk-usage'
import {
  engineMessage,
  HOST_LABEL,
  ignoreMissing,
  networkName,
  ProvisionError,
  SANDBOX_LABEL,
  type HostAddress,
} from '../../topology/docker-driver'
import type { ServiceSpec } from '../../topology/parse-topology'
import type { LostSandbox, SandboxContainer, SandboxEngine, StartOptions } from '../sandbox-engine'
import { execTunnel } from './exec-tunnel'
import { createLabFileConfigs, removeLabFileConfigs } from './lab-file-configs'
import { NodeEngines, type NodeEngineOptions, type SwarmNodeInfo } from './node-engines'
import { serviceCreateBody, swarmServiceStatus, type ConfigFile } from './service-spec'

export interface SwarmEngineOptions {
  /** A manager's Engine API (DOCKER_HOST). */
  manager: Docker
  /** The engine where `npm run images` built the lab images: their content-hash tags live there. */
  builder: Docker
  /** Where `npm run images -- --push <registry>` put them; nodes pull from it. */
  registry: string
  nodes: NodeEngineOptions
  /** Placement constraints for every sandbox service (e.g. `node.labels.academy.sandboxes==true`). */
  constraints: string[]
}

interface Task {
  ID: string
  ServiceID: string
  NodeID?: string
  CreatedAt: string
  DesiredState: string
  Status: { State: string; Err?: string; ContainerStatus?: { ContainerID?: string; ExitCode?: number } }
  NetworksAttachments?: Array<{ Network?: { Spec?: { Name?: string } }; Addresses?: string[] }>
}

interface ServiceInfo {
  ID: string
  Version: { Index: number }
  Spec: {
    Name: string
    Labels?: Record<string, string>
    TaskTemplate: { Placement?: { Constraints?: string[] } }
  }
}

const POLL_MS = 300
/** A node that does not answer within this is treated as gone for this call. */
const NODE_CALL_MS = 5_000

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)
      }),
    ])
  } finally {
    clearTimeout(timer)
  }
}

/** The newest task of a service (Swarm keeps a few old ones as history). */
function latest(tasks: Task[]): Task | undefined {
  return tasks.reduce<Task | undefined>(
    (a, b) => (a === undefined || b.CreatedAt > a.CreatedAt ? b : a),
    undefined,
  )
}

/**
 * Whether a node satisfies placement constraints of the forms the runner is configured with
 * (`node.labels.<key>`, `node.hostname`, `node.role` with == or !=). Anything else is left to
 * Swarm and counted as satisfied.
 */
export function allowedBy(constraints: string[], node: SwarmNodeInfo): boolean {
  return constraints.every((constraint) => {
    const match = /^\s*node\.(labels\.([^=!\s]+)|hostname|role)\s*(==|!=)\s*(\S+)\s*$/.exec(constraint)
    if (!match) return true
    const actual =
      match[2] !== undefined ? node.labels[match[2]] : match[1] === 'hostname' ? node.hostname : node.role
    return (actual === match[4]) === (match[3] === '==')
  })
}

/** Service → group: services joined, directly or through others, by the named volumes they share. */
export function volumeGroups(services: ServiceSpec[]): Map<string, string> {
  const parent = new Map<string, string>()
  const root = (key: string): string => {
    const up = parent.get(key) ?? key
    return up === key ? key : root(up)
  }
  const holders = services.filter((s) => s.volumes.some((v) => v.kind === 'volume'))
  for (const service of holders)
    for (const volume of service.volumes)
      if (volume.kind === 'volume') parent.set(root(`volume:${volume.name}`), root(service.name))
  return new Map(holders.map((s) => [s.name, root(s.name)]))
}

export function swarmEngine(options: SwarmEngineOptions): SandboxEngine & { nodes: NodeEngines } {
  const { manager } = options
  const nodes = new NodeEngines(manager, options.nodes)
  const images = new Map<string, string>()

  /** `helix-academy/redis:latest` → `<registry>/helix-academy/redis:<content hash>`. */
  async function registryImage(image: string): Promise<string> {
    const known = images.get(image)
    if (known) return known
    const repository = image.replace(/:[^/:]+$/, '')
    let tags: string[] = []
    try {
      tags = (await options.builder.getImage(image).inspect()).RepoTags ?? []
    } catch (error) {
      throw new ProvisionError(
        `image ${image} is not built on the runner's machine (${engineMessage(error)}): run \`npm run images -- --push ${options.registry}\``,
      )
    }
    const hashed = tags.find((t) => t.startsWith(`${repository}:`) && /:[0-9a-f]{12}$/.test(t))
    if (!hashed)
      throw new ProvisionError(
        `image ${image} has no content-hash tag: run \`npm run images -- --push ${options.registry}\``,
      )
    const reference = `${options.registry}/${hashed}`
    images.set(image, reference)
    return reference
  }

  async function tasksOf(serviceIds: string[]): Promise<Task[]> {
    if (serviceIds.length === 0) return []
    return (await manager.listTasks({ filters: { service: serviceIds } })) as Task[]
  }

  async function sandboxServices(labelFilter: string[]): Promise<ServiceInfo[]> {
    return (await manager.listServices({ filters: { label: labelFilter } })) as unknown as ServiceInfo[]
  }

  function hostAddress(task: Task, network: string): HostAddress {
    const containerId = task.Status.ContainerStatus?.ContainerID ?? ''
    if (containerId && task.NodeID) nodes.place(containerId, task.NodeID)
    const address = task.NetworksAttachments?.find((a) => a.Network?.Spec?.Name === network)?.Addresses?.[0]
    return { containerId, ip: address?.replace(/\/\d+$/, '') ?? '' }
  }

  /** Waits for a service's newest task to reach a state; returns that task. */
  async function waitTask(
    serviceId: string,
    name: string,
    goal: 'placed' | 'running' | 'completed',
    deadline: number,
    signal?: AbortSignal,
  ): Promise<Task> {
    let last: Task | undefined
    for (;;) {
      signal?.throwIfAborted()
      last = latest(await tasksOf([serviceId]))
      const state = last?.Status.State
      if (last && goal === 'placed' && last.NodeID) return last
      if (last && goal === 'running' && (state === 'running' || state === 'complete')) return last
      if (last && goal === 'completed' && state === 'complete') return last
      if (goal === 'completed' && state === 'failed' && last?.DesiredState === 'shutdown')
        throw new ProvisionError(
          `service "${name}" exited with code ${last.Status.ContainerStatus?.ExitCode ?? '?'}; dependants need it to complete successfully`,
          name,
        )
      if (Date.now() > deadline)
        throw new ProvisionError(
          `service "${name}" did not become ${goal === 'completed' ? 'completed' : 'ready'} in time (Swarm task ${state ?? 'not created'}${last?.Status.Err ? `: ${last.Status.Err}` : ''})`,
          name,
        )
      await sleep(POLL_MS)
    }
  }

  /**
   * Creates services in dependency order, each once the ones it depends on meet their condition.
   * `pinned` says which node a service must use (it keeps a volume there).
   */
  async function startSet(
    start: StartOptions,
    services: ServiceSpec[],
    pinned: Map<string, string>,
  ): Promise<Map<string, Task>> {
    const { sandboxId, topology, labels, deadline, signal } = start
    const network = networkName(sandboxId)
    const configs = await createLabFileConfigs(manager, sandboxId, { ...topology, services }, labels)
    // A service without volumes is a group of its own: it too stays where Swarm first put it.
    const volumeGroup = volumeGroups(topology.services)
    const groupOf = (service: string) => volumeGroup.get(service) ?? service
    const groupNode = new Map<string, Promise<string>>()
    for (const [service, node] of pinned) groupNode.set(groupOf(service), Promise.resolve(node))
    const ids = new Map<string, string>()
    const created = new Map<string, Promise<void>>()
    const inSet = new Set(services.map((s) => s.name))

    const condition = (dependency: string, kind: string): Promise<unknown> => {
      const made = created.get(dependency) as Promise<void>
      const id = () => ids.get(dependency) as string
      if (kind === 'service_completed_successfully')
        return made.then(() => waitTask(id(), dependency, 'completed', deadline, signal))
      return made.then(() => waitTask(id(), dependency, 'running', deadline, signal))
    }

    for (const service of services) {
      const group = groupOf(service.name)
      const dependencies = service.dependsOn.filter((d) => inSet.has(d.service))
      const anchor = !groupNode.has(group)
      let placed: ((node: string) => void) | undefined
      let notPlaced: ((error: unknown) => void) | undefined
      if (anchor)
        groupNode.set(
          group,
          new Promise<string>((resolve, reject) => {
            placed = resolve
            notPlaced = reject
          }),
        )
      const groupReady =
        group !== undefined && !anchor ? (groupNode.get(group) as Promise<string>) : undefined
      created.set(
        service.name,
        Promise.all(dependencies.map((d) => condition(d.service, d.condition))).then(async () => {
          const nodeId = groupReady ? await groupReady : undefined
          signal?.throwIfAborted()
          const body = serviceCreateBody({
            sandboxId,
            service,
            image: await registryImage(service.image),
            network,
            labels,
            configs: configs.get(service.name) ?? ([] as ConfigFile[]),
            constraints: options.constraints,
            nodeId,
          })
          let id: string
          try {
            id = ((await manager.createService(body)) as { id?: string; ID?: string }).id ?? ''
          } catch (error) {
            notPlaced?.(error)
            throw new ProvisionError(
              `cannot create service "${service.name}": ${engineMessage(error)}`,
              service.name,
            )
          }
          ids.set(service.name, id)
          if (anchor) {
            try {
              const task = await waitTask(id, service.name, 'placed', deadline, signal)
              await pin(id, task.NodeID as string)
              placed?.(task.NodeID as string)
            } catch (error) {
              notPlaced?.(error)
              throw error
            }
          }
        }),
      )
      // Unobserved rejections are collected below.
      created.get(service.name)?.catch(() => {})
    }
    const results = await Promise.allSettled(created.values())
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
    if (failure) throw failure.reason
    // Every service is up (a one-shot has at least run) before the sandbox is ready, as on one engine.
    const tasks = new Map<string, Task>()
    await Promise.all(
      services.map(async (service) =>
        tasks.set(
          service.name,
          await waitTask(ids.get(service.name) as string, service.name, 'running', deadline, signal),
        ),
      ),
    )
    return tasks
  }

  /** Adds `node.id==…` to a service's constraints, so Swarm restarts it where its volume is. */
  async function pin(serviceId: string, nodeId: string): Promise<void> {
    const service = manager.getService(serviceId)
    const info = (await service.inspect()) as ServiceInfo
    const spec = info.Spec as ServiceInfo['Spec'] & Record<string, unknown>
    const constraints = spec.TaskTemplate.Placement?.Constraints ?? []
    if (constraints.includes(`node.id==${nodeId}`)) return
    spec.TaskTemplate.Placement = {
      ...spec.TaskTemplate.Placement,
      Constraints: [...constraints, `node.id==${nodeId}`],
    }
    await service.update({ version: info.Version.Index, ...spec })
  }

  function toHosts(tasks: Map<string, Task>, network: string): Record<string, HostAddress> {
    return Object.fromEntries([...tasks].map(([name, task]) => [name, hostAddress(task, network)]))
  }

  async function containersOn(engine: Docker, sandboxId: string): Promise<Docker.ContainerInfo[]> {
    return within(
      NODE_CALL_MS,
      engine.listContainers({ all: true, filters: { label: [`${SANDBOX_LABEL}=${sandboxId}`] } }),
    )
  }

  async function removeServices(
    sandboxId: string,
    keepVolume?: (labels: Record<string, string>) => boolean,
  ): Promise<void> {
    const filter = [`${SANDBOX_LABEL}=${sandboxId}`]
    for (const service of await sandboxServices(filter))
      await ignoreMissing(manager.getService(service.ID).remove())
    await nodes.refresh()
    const engines = [...new Set([manager, ...nodes.allEngines()])]
    // Swarm removes the tasks' containers in its own time; a volume in use cannot go before them.
    await Promise.all(
      engines.map(async (engine) => {
        try {
          for (let attempt = 0; attempt < 40; attempt++) {
            const left = await containersOn(engine, sandboxId)
            if (left.length === 0) break
            await Promise.all(
              left.map((c) => ignoreMissing(engine.getContainer(c.Id).remove({ force: true }))),
            )
            await sleep(250)
          }
          const { Volumes } = await within(NODE_CALL_MS, engine.listVolumes({ filters: { label: filter } }))
          await Promise.all(
            (Volumes ?? [])
              .filter((v) => !keepVolume?.(v.Labels ?? {}))
              .map((v) => ignoreMissing(engine.getVolume(v.Name).remove())),
          )
        } catch {
          // A node that is gone keeps its remains; `docker volume prune` there cleans them (docs/swarm-cluster.md).
        }
      }),
    )
    await removeLabFileConfigs(manager, sandboxId)
  }

  return {
    kind: 'swarm',
    control: manager,
    containers: nodes,
    nodes,
    engineFor: (containerId) => nodes.engineFor(containerId),
    // The runner's machine is not on the overlay network: through the node's Engine API.
    reach: (host, port) => ({
      host: host.ip,
      port,
      createConnection: (_options, connected) => {
        execTunnel(nodes.getContainer(host.containerId), port).then(
          (socket) => connected(null, socket),
          (error: unknown) =>
            connected(error instanceof Error ? error : new Error(String(error)), undefined as never),
        )
        return undefined
      },
    }),

    async createNetwork(sandboxId, labels) {
      await manager.createNetwork({
        Name: networkName(sandboxId),
        Driver: 'overlay',
        // Internal: no gateway, so no route out of the sandbox nor to any node's own services.
        Internal: true,
        // Attachable: a node's engine may disconnect and reconnect a task (the isolate fault).
        Attachable: true,
        CheckDuplicate: true,
        Labels: { ...labels, [SANDBOX_LABEL]: sandboxId },
      })
    },

    async listNetworks(labelFilter) {
      const networks = await manager.listNetworks({ filters: { label: labelFilter } })
      return networks
        .filter((n) => n.Scope === 'swarm')
        .map((n) => ({ name: n.Name, labels: n.Labels ?? {} }))
    },

    async startServices(start) {
      await nodes.refresh()
      return toHosts(await startSet(start, start.topology.services, new Map()), networkName(start.sandboxId))
    },

    async recreateServices(start) {
      const names = new Set(start.services)
      const filter = [`${SANDBOX_LABEL}=${start.sandboxId}`]
      const existing = (await sandboxServices(filter)).filter((s) =>
        names.has(s.Spec.Labels?.[HOST_LABEL] ?? ''),
      )
      const tasks = await tasksOf(existing.map((s) => s.ID))
      const pinned = new Map<string, string>()
      const gone: Array<{ containerId: string; nodeId: string }> = []
      for (const service of existing) {
        const task = latest(tasks.filter((t) => t.ServiceID === service.ID))
        const host = service.Spec.Labels?.[HOST_LABEL] ?? ''
        if (task?.NodeID) pinned.set(host, task.NodeID)
        const containerId = task?.Status.ContainerStatus?.ContainerID
        if (containerId && task?.NodeID) gone.push({ containerId, nodeId: task.NodeID })
        await ignoreMissing(manager.getService(service.ID).remove())
      }
      await removeLabFileConfigs(manager, start.sandboxId).catch(() => {})
      // The old containers hold the volumes the new ones mount: wait for them to go.
      await Promise.all(
        gone.map(async ({ containerId, nodeId }) => {
          const engine = nodes.engineOfNode(nodeId)
          await ignoreMissing(
            within(NODE_CALL_MS, engine.getContainer(containerId).remove({ force: true })),
          ).catch(() => {})
          nodes.forget(containerId)
        }),
      )
      const services = start.topology.services
        .filter((s) => names.has(s.name))
        .map((s) => ({ ...s, dependsOn: s.dependsOn.filter((d) => names.has(d.service)) }))
      return toHosts(await startSet(start, services, pinned), networkName(start.sandboxId))
    },

    async serviceStatus(sandboxId, services) {
      const list = await sandboxServices([`${SANDBOX_LABEL}=${sandboxId}`])
      const tasks = await tasksOf(list.map((s) => s.ID))
      // The learner's page asks every few seconds: ask the manager about nodes only for a new one.
      if (tasks.some((t) => t.NodeID && !nodes.node(t.NodeID))) await nodes.refresh()
      return Promise.all(
        services.map(async (host): Promise<ServiceStatus> => {
          const service = list.find((s) => s.Spec.Labels?.[HOST_LABEL] === host)
          const task = service && latest(tasks.filter((t) => t.ServiceID === service.ID))
          const containerId = task?.Status.ContainerStatus?.ContainerID
          if (!task || !containerId || !task.NodeID) return { host, state: 'missing', health: 'none' }
          nodes.place(containerId, task.NodeID)
          try {
            return swarmServiceStatus(
              host,
              await within(NODE_CALL_MS, nodes.getContainer(containerId).inspect()),
            )
          } catch {
            return { host, state: 'missing', health: 'none' }
          }
        }),
      )
    },

    async listContainers(labelFilter): Promise<SandboxContainer[]> {
      const list = await sandboxServices(labelFilter)
      const tasks = await tasksOf(list.map((s) => s.ID))
      return list.flatMap((service) => {
        const labels = service.Spec.Labels ?? {}
        const sandboxId = labels[SANDBOX_LABEL]
        const host = labels[HOST_LABEL]
        const task = latest(tasks.filter((t) => t.ServiceID === service.ID))
        if (!sandboxId || !host || !task?.Status.ContainerStatus?.ContainerID) return []
        return [{ sandboxId, host, labels, address: hostAddress(task, networkName(sandboxId)) }]
      })
    },

    removeServices,

    async removeResources(sandboxId) {
      await removeServices(sandboxId)
      const networks = await manager.listNetworks({ filters: { label: [`${SANDBOX_LABEL}=${sandboxId}`] } })
      for (const network of networks) {
        // The tasks' endpoints leave the network a moment after their containers.
        for (let attempt = 0; ; attempt++) {
          try {
            await ignoreMissing(manager.getNetwork(network.Id).remove())
            break
          } catch (error) {
            if (attempt >= 40) throw error
            await sleep(500)
          }
        }
      }
    },

    /**
     * A sandbox's internal overlay network has no gateway: no route to any node's services, so
     * there is no host rule to install from here. The nodes' own firewall rule is an install
     * step (docs/swarm-cluster.md). What is checked: a manager answers and the cluster has a
     * node sandboxes may use.
     */
    async ensureIsolation() {
      try {
        const usable = (await nodes.refresh()).filter(
          (n) => n.state === 'ready' && n.availability === 'active',
        )
        if (usable.length === 0)
          return { ok: false as const, message: 'the Swarm has no ready, active node to run sandboxes on' }
        return { ok: true as const, added: [] }
      } catch (error) {
        return { ok: false as const, message: `the Swarm manager does not answer: ${engineMessage(error)}` }
      }
    },

    async lostSandboxes(sandboxIds): Promise<LostSandbox[]> {
      if (sandboxIds.length === 0) return []
      // A drained node's tasks are shut down by Swarm, and pinned ones cannot move: lost too.
      const down = new Map(
        (await nodes.refresh())
          .filter((n) => n.state !== 'ready' || n.availability === 'drain')
          .map((n) => [n.id, n.state === 'ready' ? `${n.hostname}, drained` : n.hostname]),
      )
      if (down.size === 0) return []
      const wanted = new Set(sandboxIds)
      const list = (await sandboxServices([SANDBOX_LABEL])).filter((s) =>
        wanted.has(s.Spec.Labels?.[SANDBOX_LABEL] ?? ''),
      )
      const tasks = await tasksOf(list.map((s) => s.ID))
      const lost = new Map<string, string>()
      for (const service of list) {
        // The newest task that had a container: where the service's state was.
        const task = latest(
          tasks.filter((t) => t.ServiceID === service.ID && t.Status.ContainerStatus?.ContainerID),
        )
        const sandboxId = service.Spec.Labels?.[SANDBOX_LABEL] ?? ''
        const hostname = task?.NodeID ? down.get(task.NodeID) : undefined
        if (hostname && !lost.has(sandboxId))
          lost.set(sandboxId, `the machine running it (${hostname}) was lost`)
      }
      return [...lost].map(([sandboxId, reason]) => ({ sandboxId, reason }))
    },

    async machines() {
      return (await nodes.refresh()).filter(
        (n) => n.state === 'ready' && n.availability === 'active' && allowedBy(options.constraints, n),
      ).length
    },

    async diskUsage(labelFilter) {
      const merged = new Map<string, SandboxDiskUsage>()
      for (const node of await nodes.refresh()) {
        let usage: Map<string, SandboxDiskUsage>
        try {
          usage = await within(
            NODE_CALL_MS * 2,
            measureDiskUsage(nodes.engineOfNode(node.id), { label: labelFilter }),
          )
        } catch {
          continue // a node that does not answer is reported lost by lostSandboxes
        }
        for (const [id, entry] of usage) {
          for (const h of entry.byHost) nodes.place(h.containerId, node.id)
          const sum = merged.get(id) ?? { usedBytes: 0, byHost: [] }
          sum.usedBytes += entry.usedBytes
          sum.byHost.push(...entry.byHost)
          merged.set(id, sum)
        }
      }
      return merged
    },
  }
}

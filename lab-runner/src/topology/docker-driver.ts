// Translates a Topology into Docker Engine calls: one internal network per sandbox, named
// volumes prefixed with the sandbox id, one container per service started in dependency
// order. Every resource carries the caller's labels so a restarted runner can find it.
import type Docker from 'dockerode'
import type { ContainerCreateOptions } from 'dockerode'
import type { ServiceStatus } from '../../../contracts/runner-api'
import { execCapture } from '../exec/container-exec'
import { SANDBOX_BRIDGE_PREFIX } from './host-firewall'
import type { HealthcheckSpec, ServiceSpec, Topology } from './parse-topology'

export const SANDBOX_LABEL = 'academy.sandbox'
export const HOST_LABEL = 'academy.host'

export class ProvisionError extends Error {
  constructor(
    message: string,
    readonly service?: string,
  ) {
    super(message)
    this.name = 'ProvisionError'
  }
}

export interface HostAddress {
  containerId: string
  ip: string
}

export const networkName = (sandboxId: string) => `academy-${sandboxId}`
/** Linux interface names are at most 15 characters: `hxa` + the 12 hex digits of the id. */
export const bridgeName = (sandboxId: string) =>
  `${SANDBOX_BRIDGE_PREFIX}${sandboxId.replace(/^sbx-/, '').slice(0, 12)}`
export const containerName = (sandboxId: string, service: string) => `academy-${sandboxId}-${service}`
export const volumeName = (sandboxId: string, volume: string) => `academy-${sandboxId}-${volume}`

/**
 * The embedded DNS server's upstream for sandbox containers. Docker 20.10 forwards names it
 * does not know to the host's resolvers, and when the host's resolver is on a loopback address
 * (127.0.0.53 and the like) it sends that query from the host's network namespace, past the
 * internal network (CVE-2024-29018): a sandbox could resolve, and leak data through, outside
 * names. An explicit `Dns` server is used from the container's own namespace instead ("--dns
 * 127.0.0.x refers to the loopback in the container namespace"), where nothing answers: outside
 * names fail (after the resolver's usual timeout, as before), while service names are still
 * answered by the embedded server.
 */
export const SANDBOX_DNS = ['127.0.0.1']

/** Container logs (HAProxy logging every request to stdout…) rotate within 2 × 5 MiB per container. */
export const SANDBOX_LOG_CONFIG = { Type: 'json-file', Config: { 'max-size': '5m', 'max-file': '2' } }

const sandboxFilter = (sandboxId: string) => ({ label: [`${SANDBOX_LABEL}=${sandboxId}`] })

export async function createSandboxNetwork(
  docker: Docker,
  sandboxId: string,
  labels: Record<string, string>,
): Promise<string> {
  const name = networkName(sandboxId)
  await docker.createNetwork({
    Name: name,
    Driver: 'bridge',
    // Internal: no route out of the sandbox. Docker also isolates bridges from each other.
    Internal: true,
    // No IPv6 addresses or routes; link-local traffic to the host is dropped by host-firewall.ts.
    EnableIPv6: false,
    CheckDuplicate: true,
    Labels: { ...labels, [SANDBOX_LABEL]: sandboxId },
    // A predictable bridge name lets one host firewall rule cover every sandbox (host-firewall.ts).
    Options: { 'com.docker.network.bridge.name': bridgeName(sandboxId) },
  })
  return name
}

/** The Engine API body for one service. Pure, so it can be checked without Docker. */
export function containerCreateOptions(
  sandboxId: string,
  service: ServiceSpec,
  network: string,
  labels: Record<string, string>,
): ContainerCreateOptions {
  return {
    name: containerName(sandboxId, service.name),
    Image: service.image,
    Cmd: service.command,
    Entrypoint: service.entrypoint,
    Env: service.env,
    User: service.user,
    Hostname: service.hostname ?? service.name,
    WorkingDir: service.workingDir,
    Labels: { ...labels, [SANDBOX_LABEL]: sandboxId, [HOST_LABEL]: service.name },
    Healthcheck: healthcheckConfig(service.healthcheck),
    HostConfig: {
      Memory: service.memoryBytes,
      // Same as Memory: no swap on top of the limit.
      MemorySwap: service.memoryBytes,
      NanoCpus: service.nanoCpus,
      PidsLimit: service.pidsLimit,
      SecurityOpt: ['no-new-privileges'],
      CapDrop: ['ALL'],
      CapAdd: service.capAdd,
      // tini as PID 1 reaps the zombies left by terminal sessions and check scripts.
      Init: true,
      RestartPolicy:
        service.restart === 'on-failure'
          ? { Name: 'on-failure', MaximumRetryCount: 3 }
          : { Name: service.restart },
      NetworkMode: network,
      Dns: SANDBOX_DNS,
      DnsSearch: [],
      DnsOptions: [],
      LogConfig: SANDBOX_LOG_CONFIG,
      ...(service.tmpfs.length > 0
        ? {
            Tmpfs: Object.fromEntries(
              service.tmpfs.map((t) => [t.target, `rw,nosuid,nodev,size=${t.sizeBytes}`]),
            ),
          }
        : {}),
      Mounts: service.volumes.map((v) =>
        v.kind === 'volume'
          ? {
              Type: 'volume' as const,
              Source: volumeName(sandboxId, v.name),
              Target: v.target,
              ReadOnly: v.readOnly,
            }
          : { Type: 'bind' as const, Source: v.hostPath, Target: v.target, ReadOnly: true },
      ),
    },
    NetworkingConfig: { EndpointsConfig: { [network]: { Aliases: [service.name] } } },
  }
}

/** A topology healthcheck in the Engine API's form (a container's and a Swarm service's alike). */
export function healthcheckConfig(
  spec: HealthcheckSpec | null | undefined,
): ContainerCreateOptions['Healthcheck'] {
  if (spec === undefined) return undefined
  if (spec === null) return { Test: ['NONE'] }
  return {
    Test: spec.test,
    Interval: spec.intervalNs,
    Timeout: spec.timeoutNs,
    Retries: spec.retries,
    StartPeriod: spec.startPeriodNs,
  }
}

export interface StartServicesOptions {
  docker: Docker
  sandboxId: string
  topology: Topology
  network: string
  labels: Record<string, string>
  /** Whole-sandbox deadline: a service that is not up by then fails provisioning. */
  deadline: number
}

/**
 * Creates volumes and containers, then starts each service as soon as the services it
 * depends on meet their condition (independent services start in parallel).
 */
export async function startServices(options: StartServicesOptions): Promise<Record<string, HostAddress>> {
  const { docker, sandboxId, topology, network, labels } = options
  for (const volume of topology.volumeNames) {
    await docker.createVolume({
      Name: volumeName(sandboxId, volume),
      Labels: { ...labels, [SANDBOX_LABEL]: sandboxId },
    })
  }
  const containers = new Map<string, Docker.Container>()
  for (const service of topology.services) {
    try {
      containers.set(
        service.name,
        await docker.createContainer(containerCreateOptions(sandboxId, service, network, labels)),
      )
    } catch (error) {
      throw new ProvisionError(
        `cannot create service "${service.name}": ${engineMessage(error)}`,
        service.name,
      )
    }
  }

  const started = new Map<string, Promise<void>>()
  const specs = new Map(topology.services.map((service) => [service.name, service]))
  const conditionMet = (dependency: string, condition: string): Promise<void> => {
    const container = containers.get(dependency) as Docker.Container
    const afterStart = started.get(dependency) as Promise<void>
    if (condition === 'service_healthy') {
      const probe = healthProbe(docker, container.id, specs.get(dependency)?.healthcheck)
      return afterStart.then(() => waitFor(container, dependency, 'healthy', options.deadline, probe))
    }
    if (condition === 'service_completed_successfully') {
      return afterStart.then(() => waitFor(container, dependency, 'completed', options.deadline))
    }
    return afterStart
  }
  // Services are in start order, so every dependency's promise exists before it is needed.
  for (const service of topology.services) {
    const container = containers.get(service.name) as Docker.Container
    const ready = Promise.all(service.dependsOn.map((d) => conditionMet(d.service, d.condition)))
    started.set(
      service.name,
      ready.then(async () => {
        try {
          await container.start()
        } catch (error) {
          throw new ProvisionError(
            `cannot start service "${service.name}": ${engineMessage(error)}`,
            service.name,
          )
        }
      }),
    )
  }
  // Wait for all starts; keep the first failure but do not leave promises unobserved.
  const results = await Promise.allSettled(started.values())
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
  if (failure) throw failure.reason

  const hosts: Record<string, HostAddress> = {}
  for (const [name, container] of containers) {
    const info = await container.inspect()
    hosts[name] = { containerId: info.Id, ip: info.NetworkSettings.Networks[network]?.IPAddress ?? '' }
  }
  return hosts
}

/** How often a dependant's wait runs the healthcheck itself while the service starts. */
const PROBE_EVERY_MS = 250

/**
 * The service's own healthcheck command, run by us. Docker runs the first check only one
 * `interval` after start (this engine has no start_interval), so every level of a dependency
 * chain would wait up to a full interval; probing while dependants wait starts them as soon as
 * the service answers, without checking more often for the rest of the sandbox's life.
 */
function healthProbe(
  docker: Docker,
  containerId: string,
  spec: HealthcheckSpec | null | undefined,
): (() => Promise<boolean>) | undefined {
  const [kind, ...rest] = spec?.test ?? []
  const cmd =
    kind === 'CMD'
      ? rest
      : kind === 'CMD-SHELL' && rest[0] !== undefined
        ? ['/bin/sh', '-c', rest[0]]
        : undefined
  if (!spec || !cmd || cmd.length === 0) return undefined
  const deadlineMs = Math.max(1_000, Math.round((spec.timeoutNs ?? 3e9) / 1e6))
  return async () => {
    try {
      const result = await execCapture({ docker, containerId, cmd, deadlineMs, onOutput: () => {} })
      return result.exitCode === 0
    } catch {
      return false
    }
  }
}

async function waitFor(
  container: Docker.Container,
  service: string,
  goal: 'healthy' | 'completed',
  deadline: number,
  probe?: () => Promise<boolean>,
): Promise<void> {
  let lastProbe = 0
  for (;;) {
    const info = await container.inspect()
    const state = info.State
    if (goal === 'healthy' && state.Health?.Status === 'healthy') return
    if (
      goal === 'healthy' &&
      probe &&
      state.Status === 'running' &&
      Date.now() - lastProbe >= PROBE_EVERY_MS
    ) {
      lastProbe = Date.now()
      if (await probe()) return
    }
    if (goal === 'completed' && state.Status === 'exited') {
      if (state.ExitCode === 0) return
      throw new ProvisionError(
        `service "${service}" exited with code ${state.ExitCode}; dependants need it to complete successfully`,
        service,
      )
    }
    if (goal === 'healthy' && (state.Status === 'exited' || state.Status === 'dead')) {
      throw new ProvisionError(
        `service "${service}" stopped (exit code ${state.ExitCode}) before becoming healthy`,
        service,
      )
    }
    if (Date.now() > deadline) {
      const last = state.Health?.Log?.at(-1)?.Output?.trim()
      throw new ProvisionError(
        `service "${service}" did not become ${goal} in time${last ? ` (last healthcheck output: ${last.slice(0, 200)})` : ''}`,
        service,
      )
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

/** Containers of a sandbox, keyed by service name. */
export async function listSandboxContainers(
  docker: Docker,
  sandboxId: string,
): Promise<Docker.ContainerInfo[]> {
  return docker.listContainers({ all: true, filters: sandboxFilter(sandboxId) })
}

export async function sandboxServiceStatus(
  docker: Docker,
  sandboxId: string,
  services: string[],
): Promise<ServiceStatus[]> {
  const containers = await listSandboxContainers(docker, sandboxId)
  const byHost = new Map(containers.map((c) => [c.Labels[HOST_LABEL] ?? '', c]))
  return Promise.all(
    services.map(async (host): Promise<ServiceStatus> => {
      const summary = byHost.get(host)
      if (!summary) return { host, state: 'missing', health: 'none' }
      try {
        return serviceStatusOf(host, await docker.getContainer(summary.Id).inspect())
      } catch {
        return { host, state: 'missing', health: 'none' }
      }
    }),
  )
}

/** What the learner's status shows of one service, from its container's inspect. */
export function serviceStatusOf(host: string, info: Docker.ContainerInspectInfo): ServiceStatus {
  return {
    host,
    state: info.State.Status as ServiceStatus['state'],
    health: (info.State.Health?.Status as ServiceStatus['health'] | undefined) ?? 'none',
    exitCode: info.State.Status === 'exited' ? info.State.ExitCode : undefined,
  }
}

/**
 * Replaces some services of a running sandbox with new definitions (a warm pool sandbox takes
 * its learner's seed): their containers go, and they start again in dependency order among
 * themselves; services outside the set keep running and are not waited for. Volumes stay.
 */
export async function recreateServices(
  options: StartServicesOptions & { services: string[] },
): Promise<Record<string, HostAddress>> {
  const names = new Set(options.services)
  const containers = await listSandboxContainers(options.docker, options.sandboxId)
  await Promise.all(
    containers
      .filter((c) => names.has(c.Labels[HOST_LABEL] ?? ''))
      .map((c) => ignoreMissing(options.docker.getContainer(c.Id).remove({ force: true }))),
  )
  const services = options.topology.services
    .filter((s) => names.has(s.name))
    .map((s) => ({ ...s, dependsOn: s.dependsOn.filter((d) => names.has(d.service)) }))
  const hosts = await startServices({
    ...options,
    topology: { ...options.topology, services, volumeNames: [] },
  })
  // What the running services were promised of these (healthy, or a job completed) holds again.
  const promised = new Map<string, string>()
  for (const s of options.topology.services)
    if (!names.has(s.name))
      for (const d of s.dependsOn) if (names.has(d.service)) promised.set(d.service, d.condition)
  const specs = new Map(options.topology.services.map((s) => [s.name, s]))
  await Promise.all(
    [...promised].map(([service, condition]) => {
      const containerId = hosts[service]?.containerId ?? ''
      const container = options.docker.getContainer(containerId)
      if (condition === 'service_healthy')
        return waitFor(
          container,
          service,
          'healthy',
          options.deadline,
          healthProbe(options.docker, containerId, specs.get(service)?.healthcheck),
        )
      if (condition === 'service_completed_successfully')
        return waitFor(container, service, 'completed', options.deadline)
      return undefined
    }),
  )
  return hosts
}

/** Removes the containers and named volumes of a sandbox (reset keeps the network). */
export async function removeSandboxServices(
  docker: Docker,
  sandboxId: string,
  keepVolume?: (labels: Record<string, string>) => boolean,
): Promise<void> {
  const containers = await listSandboxContainers(docker, sandboxId)
  await Promise.all(
    containers.map((c) => ignoreMissing(docker.getContainer(c.Id).remove({ force: true, v: true }))),
  )
  const { Volumes } = await docker.listVolumes({ filters: sandboxFilter(sandboxId) })
  await Promise.all(
    (Volumes ?? [])
      .filter((v) => !keepVolume?.(v.Labels ?? {}))
      .map((v) => ignoreMissing(docker.getVolume(v.Name).remove())),
  )
}

/** Removes everything labelled with this sandbox id: containers, volumes, network. */
export async function removeSandboxResources(docker: Docker, sandboxId: string): Promise<void> {
  await removeSandboxServices(docker, sandboxId)
  const networks = await docker.listNetworks({ filters: sandboxFilter(sandboxId) })
  await Promise.all(networks.map((n) => ignoreMissing(docker.getNetwork(n.Id).remove())))
}

/** Awaits a removal, treating "already gone" (404) and "already being removed" (409) as done. */
export async function ignoreMissing(operation: Promise<unknown>): Promise<void> {
  try {
    await operation
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode
    if (status !== 404 && status !== 409) throw error
  }
}

export function engineMessage(error: unknown): string {
  const json = (error as { json?: { message?: string } }).json
  return json?.message ?? (error instanceof Error ? error.message : String(error))
}

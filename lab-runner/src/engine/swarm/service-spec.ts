// One topology service as a Swarm service: the same image, command, environment, limits and
// isolation controls as the single-engine container (topology/docker-driver.ts), expressed in
// the Engine API's ServiceSpec (API 1.41, Docker 20.10). Pure, so it can be checked without a
// cluster. One control cannot be expressed here and is closed on the nodes (docs/security.md):
// no-new-privileges (the nodes' dockerd runs with --no-new-privileges). Swarm mounts tmpfs
// with nosuid,nodev,noexec itself.
import type Docker from 'dockerode'
import type { ServiceStatus } from '../../../../contracts/runner-api'
import {
  containerName,
  healthcheckConfig,
  HOST_LABEL,
  SANDBOX_DNS,
  SANDBOX_LABEL,
  SANDBOX_LOG_CONFIG,
  serviceStatusOf,
  volumeName,
} from '../../topology/docker-driver'
import type { HealthcheckSpec, ServiceSpec } from '../../topology/parse-topology'

/**
 * Swarm replaces a task whose container turns unhealthy; one engine only reports it. A lab's
 * crash loop (Lab 3) or a service the learner stopped on purpose must stay where the learner can
 * see it and fix it, so Docker is told never to give up on a Swarm task's healthcheck, and the
 * topology's own retries, kept in this container label, decide "unhealthy" when the runner reads
 * the status (swarmServiceStatus).
 */
export const HEALTH_RETRIES_LABEL = 'academy.health-retries'
const NEVER_UNHEALTHY = 1_000_000
/** The Engine's own default when a healthcheck names no retries. */
const DEFAULT_RETRIES = 3

function swarmHealthcheck(spec: HealthcheckSpec | null): ReturnType<typeof healthcheckConfig> {
  const config = healthcheckConfig(spec)
  return spec === null ? config : { ...config, Retries: NEVER_UNHEALTHY }
}

/** A Swarm task's container as the learner sees it: unhealthy after the topology's retries. */
export function swarmServiceStatus(host: string, info: Docker.ContainerInspectInfo): ServiceStatus {
  const status = serviceStatusOf(host, info)
  const retries = Number(info.Config.Labels?.[HEALTH_RETRIES_LABEL])
  const failing = (info.State.Health as { FailingStreak?: number } | undefined)?.FailingStreak ?? 0
  if (status.health === 'healthy' || status.health === 'starting')
    if (Number.isInteger(retries) && retries > 0 && failing >= retries)
      return { ...status, health: 'unhealthy' }
  return status
}

/** A file a bind mount provided, handed to the service as a Swarm config. */
export interface ConfigFile {
  configId: string
  configName: string
  target: string
  mode: number
}

export interface ServiceSpecOptions {
  sandboxId: string
  service: ServiceSpec
  /** The image reference the nodes pull (the registry's content-hash tag). */
  image: string
  network: string
  labels: Record<string, string>
  configs: ConfigFile[]
  /** Placement constraints every sandbox service carries (sandbox nodes only). */
  constraints: string[]
  /** The node this service must run on (it shares volumes with services already there). */
  nodeId?: string
}

/** Swarm's restart conditions for Compose's restart policies. */
function restartPolicy(restart: ServiceSpec['restart']): Record<string, unknown> {
  // A second apart, like the Docker Engine's own first restart; not Swarm's 5 s default.
  const Delay = 1_000_000_000
  if (restart === 'no') return { Condition: 'none' }
  if (restart === 'on-failure') return { Condition: 'on-failure', MaxAttempts: 3, Delay }
  return { Condition: 'any', Delay }
}

export function serviceCreateBody(options: ServiceSpecOptions): Record<string, unknown> {
  const { sandboxId, service } = options
  const labels = { ...options.labels, [SANDBOX_LABEL]: sandboxId, [HOST_LABEL]: service.name }
  return {
    Name: containerName(sandboxId, service.name),
    Labels: labels,
    TaskTemplate: {
      ContainerSpec: {
        Image: options.image,
        // Swarm's Command replaces the image's ENTRYPOINT and Args its CMD, as Compose's
        // `entrypoint` and `command` do.
        ...(service.entrypoint ? { Command: service.entrypoint } : {}),
        ...(service.command ? { Args: service.command } : {}),
        Env: service.env,
        ...(service.user ? { User: service.user } : {}),
        Hostname: service.hostname ?? service.name,
        ...(service.workingDir ? { Dir: service.workingDir } : {}),
        // On the container too: the node-side disk watchdog and faults find it by them.
        Labels: {
          ...labels,
          ...(service.healthcheck
            ? { [HEALTH_RETRIES_LABEL]: String(service.healthcheck.retries || DEFAULT_RETRIES) }
            : {}),
        },
        Init: true,
        CapabilityDrop: ['ALL'],
        CapabilityAdd: service.capAdd,
        ...(service.healthcheck !== undefined ? { HealthCheck: swarmHealthcheck(service.healthcheck) } : {}),
        DNSConfig: { Nameservers: SANDBOX_DNS, Search: [], Options: [] },
        Mounts: [
          ...service.volumes.flatMap((v) =>
            v.kind === 'volume'
              ? [
                  {
                    Type: 'volume',
                    Source: volumeName(sandboxId, v.name),
                    Target: v.target,
                    ReadOnly: v.readOnly,
                    VolumeOptions: { Labels: { ...options.labels, [SANDBOX_LABEL]: sandboxId } },
                  },
                ]
              : [],
          ),
          ...service.tmpfs.map((t) => ({
            Type: 'tmpfs',
            Target: t.target,
            TmpfsOptions: { SizeBytes: t.sizeBytes },
          })),
        ],
        Configs: options.configs.map((c) => ({
          ConfigID: c.configId,
          ConfigName: c.configName,
          File: { Name: c.target, UID: '0', GID: '0', Mode: c.mode },
        })),
        StopGracePeriod: 5_000_000_000,
      },
      Resources: {
        Limits: { MemoryBytes: service.memoryBytes, NanoCPUs: service.nanoCpus, Pids: service.pidsLimit },
      },
      RestartPolicy: restartPolicy(service.restart),
      Placement: {
        Constraints: [...options.constraints, ...(options.nodeId ? [`node.id==${options.nodeId}`] : [])],
      },
      Networks: [{ Target: options.network, Aliases: [service.name] }],
      LogDriver: { Name: SANDBOX_LOG_CONFIG.Type, Options: SANDBOX_LOG_CONFIG.Config },
    },
    Mode: { Replicated: { Replicas: 1 } },
    // DNS round robin: Swarm's virtual IPs (IPVS) are not needed for one replica, and do not
    // route inside Docker-in-Docker nodes.
    EndpointSpec: { Mode: 'dnsrr' },
  }
}

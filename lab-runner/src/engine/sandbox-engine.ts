// The driver boundary: everything the sandbox registry asks of the engine that runs sandboxes.
// `RUNNER_ENGINE=docker` (the default) runs every sandbox on one Docker Engine; `swarm` runs each
// sandbox as Swarm services on an overlay network and follows their tasks to the nodes. Above
// this interface (registry, queue, pools, tickets, checks, files, faults, proxy) there is one
// implementation for both.
import type Docker from 'dockerode'
import type { ServiceStatus } from '../../../contracts/runner-api'
import type { SandboxDiskUsage } from '../sandboxes/disk-usage'
import type { HostAddress } from '../topology/docker-driver'
import type { FirewallResult } from '../topology/host-firewall'
import type { Reach } from './upstream'
import type { Topology } from '../topology/parse-topology'

/**
 * Reaching one container, wherever it runs: exec (checks, files, terminals), attach, inspect,
 * stop. One engine's `Docker` client is one; in a swarm the container's node answers.
 */
export interface ContainerAccess {
  getContainer(id: string): Docker.Container
}

export interface StartOptions {
  sandboxId: string
  topology: Topology
  labels: Record<string, string>
  /** Whole-sandbox deadline: a service that is not up by then fails provisioning. */
  deadline: number
  /**
   * Ends the start early with the signal's reason (the registry found the sandbox's machine
   * lost): no further service is created and no wait goes on to the deadline.
   */
  signal?: AbortSignal
}

/** One container of a sandbox as the engine reports it (adoption, refreshed addresses). */
export interface SandboxContainer {
  sandboxId: string
  host: string
  address: HostAddress
  labels: Record<string, string>
}

/** A sandbox whose services the engine can no longer run (the node holding them is gone). */
export interface LostSandbox {
  sandboxId: string
  reason: string
}

export interface SandboxEngine {
  readonly kind: 'docker' | 'swarm'
  /**
   * The engine that keeps the runner's own records (the labelled marker volumes: provisioned,
   * extensions) and whose ping says whether sandboxes can be started at all.
   */
  readonly control: Docker
  readonly containers: ContainerAccess
  /** Where an HTTP request to a port of a sandbox service goes (service tabs, dashboard). */
  readonly reach: Reach
  /** The whole engine running one container (a fault disconnects it from its network there). */
  engineFor(containerId: string): Docker
  /** The sandbox's private network, carrying `labels` (adoption reads them back). */
  createNetwork(sandboxId: string, labels: Record<string, string>): Promise<void>
  /** The networks this runner owns, with their labels. */
  listNetworks(labelFilter: string[]): Promise<Array<{ name: string; labels: Record<string, string> }>>
  /** Volumes, then services in dependency order; resolves once every service met its condition. */
  startServices(options: StartOptions): Promise<Record<string, HostAddress>>
  /** Replaces some services of a running sandbox (their containers go; volumes stay). */
  recreateServices(options: StartOptions & { services: string[] }): Promise<Record<string, HostAddress>>
  serviceStatus(sandboxId: string, services: string[]): Promise<ServiceStatus[]>
  /** Containers carrying every label in the filter (`key=value`), across the whole engine. */
  listContainers(labelFilter: string[]): Promise<SandboxContainer[]>
  /** Removes the services and their volumes, except volumes `keepVolume` accepts; keeps the network. */
  removeServices(sandboxId: string, keepVolume?: (labels: Record<string, string>) => boolean): Promise<void>
  /** Removes everything labelled with this sandbox id. */
  removeResources(sandboxId: string): Promise<void>
  /**
   * Puts in place (or checks) what keeps sandboxes away from the machines' own services; no
   * sandbox starts while it fails.
   */
  ensureIsolation(): Promise<FirewallResult>
  /** Sandboxes with a service on a machine the engine has lost (always none on one engine). */
  lostSandboxes(sandboxIds: string[]): Promise<LostSandbox[]>
  /** Disk used by each sandbox of this runner (writable layers and named volumes), by sandbox id. */
  diskUsage(labelFilter: string[]): Promise<Map<string, SandboxDiskUsage>>
  /**
   * How many machines can take a new sandbox now: one engine is one; a Swarm counts its ready,
   * active nodes that the placement constraints allow. Capacity is RUNNER_MAX_SANDBOXES per machine.
   */
  machines(): Promise<number>
}

// The Engine API of every Swarm node. Swarm places a sandbox's tasks; terminals, files, checks
// and health need the container itself, which only the node running it can reach. A node's
// engine is found at its Swarm address on RUNNER_SWARM_ENGINE_PORT, or where
// RUNNER_SWARM_NODE_ENGINES says, with the TLS material Docker's own CLI uses
// (DOCKER_TLS_VERIFY + DOCKER_CERT_PATH holding ca.pem, cert.pem, key.pem).
import { readFileSync } from 'node:fs'
import path from 'node:path'
import Docker from 'dockerode'
import type { ContainerAccess } from '../sandbox-engine'

export interface NodeEngineOptions {
  port: number
  /** hostname → `tcp://host:port`, for nodes whose engine is not at their Swarm address. */
  overrides: Record<string, string>
  /** DOCKER_CERT_PATH when DOCKER_TLS_VERIFY is set; plain TCP otherwise (test clusters only). */
  certPath?: string
}

export interface SwarmNodeInfo {
  id: string
  hostname: string
  addr: string
  state: string
  availability: string
  role: string
  labels: Record<string, string>
  memoryBytes: number
  nanoCpus: number
}

export function dockerFromUrl(url: string, certPath?: string): Docker {
  const parsed = new URL(url)
  if (parsed.protocol === 'unix:') return new Docker({ socketPath: parsed.pathname })
  const tls = certPath
    ? {
        protocol: 'https' as const,
        ca: readFileSync(path.join(certPath, 'ca.pem')),
        cert: readFileSync(path.join(certPath, 'cert.pem')),
        key: readFileSync(path.join(certPath, 'key.pem')),
      }
    : { protocol: 'http' as const }
  return new Docker({ host: parsed.hostname, port: Number(parsed.port || (certPath ? 2376 : 2375)), ...tls })
}

export class NodeEngines implements ContainerAccess {
  private readonly nodes = new Map<string, SwarmNodeInfo>()
  private readonly clients = new Map<string, Docker>()
  private readonly containerNodes = new Map<string, string>()

  constructor(
    private readonly manager: Docker,
    private readonly options: NodeEngineOptions,
  ) {}

  /** Reads the cluster's nodes (addresses, state, labels) from the manager. */
  async refresh(): Promise<SwarmNodeInfo[]> {
    const nodes = (await this.manager.listNodes()) as Array<{
      ID: string
      Description?: { Hostname?: string; Resources?: { MemoryBytes?: number; NanoCPUs?: number } }
      Status?: { State?: string; Addr?: string }
      Spec?: { Availability?: string; Role?: string; Labels?: Record<string, string> }
    }>
    this.nodes.clear()
    for (const n of nodes) {
      this.nodes.set(n.ID, {
        id: n.ID,
        hostname: n.Description?.Hostname ?? n.ID,
        addr: n.Status?.Addr ?? '',
        state: n.Status?.State ?? 'unknown',
        availability: n.Spec?.Availability ?? 'active',
        role: n.Spec?.Role ?? 'worker',
        labels: n.Spec?.Labels ?? {},
        memoryBytes: n.Description?.Resources?.MemoryBytes ?? 0,
        nanoCpus: n.Description?.Resources?.NanoCPUs ?? 0,
      })
    }
    return [...this.nodes.values()]
  }

  node(nodeId: string): SwarmNodeInfo | undefined {
    return this.nodes.get(nodeId)
  }

  /** The engine of one node, created on first use. */
  engineOfNode(nodeId: string): Docker {
    let client = this.clients.get(nodeId)
    if (!client) {
      const node = this.nodes.get(nodeId)
      if (!node) throw new Error(`Swarm node ${nodeId} is not known to the manager`)
      const url = this.options.overrides[node.hostname] ?? `tcp://${node.addr}:${this.options.port}`
      client = dockerFromUrl(url, this.options.certPath)
      this.clients.set(nodeId, client)
    }
    return client
  }

  /** Records where a task's container runs (learned from the task list). */
  place(containerId: string, nodeId: string): void {
    this.containerNodes.set(containerId, nodeId)
  }

  nodeOf(containerId: string): string | undefined {
    return this.containerNodes.get(containerId)
  }

  forget(containerId: string): void {
    this.containerNodes.delete(containerId)
  }

  /** The engine running a container; the manager's for a container never seen in a task (it 404s there). */
  engineFor(containerId: string): Docker {
    const nodeId = this.containerNodes.get(containerId)
    return nodeId ? this.engineOfNode(nodeId) : this.manager
  }

  getContainer(id: string): Docker.Container {
    return this.engineFor(id).getContainer(id)
  }

  /** Every node's engine, once each (unreachable ones included: callers tolerate their errors). */
  allEngines(): Docker[] {
    return [...this.nodes.keys()].map((id) => this.engineOfNode(id))
  }
}

// RUNNER_ENGINE=docker (the default): every sandbox on the one Docker Engine next to the runner,
// through topology/docker-driver.ts.
import type Docker from 'dockerode'
import { measureDiskUsage } from '../sandboxes/disk-usage'
import {
  createSandboxNetwork,
  HOST_LABEL,
  networkName,
  recreateServices,
  removeSandboxResources,
  removeSandboxServices,
  SANDBOX_LABEL,
  sandboxServiceStatus,
  startServices,
} from '../topology/docker-driver'
import { ensureHostFirewall } from '../topology/host-firewall'
import type { SandboxContainer, SandboxEngine } from './sandbox-engine'
import { reachDirectly } from './upstream'

export function dockerEngine(docker: Docker): SandboxEngine {
  const toSandboxContainer = (c: Docker.ContainerInfo): SandboxContainer | undefined => {
    const sandboxId = c.Labels[SANDBOX_LABEL]
    const host = c.Labels[HOST_LABEL]
    if (!sandboxId || !host) return undefined
    const ip = c.NetworkSettings.Networks[networkName(sandboxId)]?.IPAddress ?? ''
    return { sandboxId, host, address: { containerId: c.Id, ip }, labels: c.Labels }
  }
  return {
    kind: 'docker',
    control: docker,
    containers: docker,
    engineFor: () => docker,
    reach: reachDirectly,
    async createNetwork(sandboxId, labels) {
      await createSandboxNetwork(docker, sandboxId, labels)
    },
    async listNetworks(labelFilter) {
      const networks = await docker.listNetworks({ filters: { label: labelFilter } })
      return networks.map((n) => ({ name: n.Name, labels: n.Labels ?? {} }))
    },
    startServices: (options) =>
      startServices({ ...options, docker, network: networkName(options.sandboxId) }),
    recreateServices: (options) =>
      recreateServices({ ...options, docker, network: networkName(options.sandboxId) }),
    serviceStatus: (sandboxId, services) => sandboxServiceStatus(docker, sandboxId, services),
    async listContainers(labelFilter) {
      const containers = await docker.listContainers({ all: true, filters: { label: labelFilter } })
      return containers.flatMap((c) => toSandboxContainer(c) ?? [])
    },
    removeServices: (sandboxId, keepVolume) => removeSandboxServices(docker, sandboxId, keepVolume),
    removeResources: (sandboxId) => removeSandboxResources(docker, sandboxId),
    ensureIsolation: () => ensureHostFirewall(),
    lostSandboxes: async () => [],
    machines: async () => 1,
    diskUsage: (labelFilter) => measureDiskUsage(docker, { label: labelFilter }),
  }
}

// A lab's read-only bind mounts (its scripts, starter configs, check libraries) as Swarm configs.
// A bind source is a path on the runner's machine, which the nodes do not have; a config is
// stored by the managers and written into the container by whichever node runs the task. A
// bound directory becomes one config per file, each at the same path below the target.
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import type Docker from 'dockerode'
import { ignoreMissing, ProvisionError, SANDBOX_LABEL } from '../../topology/docker-driver'
import type { Topology } from '../../topology/parse-topology'
import type { ConfigFile } from './service-spec'

/** Swarm refuses configs over 500 KiB (swarmkit's MaxConfigSize). */
const MAX_CONFIG_BYTES = 500 * 1024

/**
 * A config keeps its file's mode, as a bind mount shows it: Swarm mounts configs read-only, and a
 * lab that copies its starting file for the learner to edit (`cp` keeps the mode) needs the
 * owner's write bit on the copy.
 */
interface BoundFile {
  source: string
  target: string
  mode: number
}

function filesUnder(source: string, target: string): BoundFile[] {
  const stat = statSync(source)
  if (stat.isFile()) return [{ source, target, mode: stat.mode & 0o777 }]
  return readdirSync(source)
    .sort()
    .flatMap((name) => filesUnder(path.join(source, name), path.posix.join(target, name)))
}

/**
 * Creates the configs one sandbox's services need (named after the sandbox and the content,
 * labelled with the sandbox id so they go with it) and returns them per service.
 */
export async function createLabFileConfigs(
  manager: Docker,
  sandboxId: string,
  topology: Topology,
  labels: Record<string, string>,
): Promise<Map<string, ConfigFile[]>> {
  const created = new Map<string, { id: string; name: string }>()
  const byService = new Map<string, ConfigFile[]>()
  for (const service of topology.services) {
    const files: ConfigFile[] = []
    for (const mount of service.volumes) {
      if (mount.kind !== 'bind') continue
      for (const file of filesUnder(mount.hostPath, mount.target)) {
        const data = readFileSync(file.source)
        if (data.length > MAX_CONFIG_BYTES)
          throw new ProvisionError(
            `${file.source} is ${data.length} bytes; a lab file mounted on a Swarm node must be under ${MAX_CONFIG_BYTES} bytes`,
            service.name,
          )
        const hash = createHash('sha256').update(data).digest('hex').slice(0, 16)
        let config = created.get(hash)
        if (!config) {
          const name = `academy-${sandboxId}-${hash}`
          const { id } = (await manager.createConfig({
            Name: name,
            Labels: { ...labels, [SANDBOX_LABEL]: sandboxId },
            Data: data.toString('base64'),
          })) as { id: string }
          config = { id, name }
          created.set(hash, config)
        }
        files.push({ configId: config.id, configName: config.name, target: file.target, mode: file.mode })
      }
    }
    byService.set(service.name, files)
  }
  return byService
}

/** Removes the configs of one sandbox (after its services: a config in use cannot go). */
export async function removeLabFileConfigs(manager: Docker, sandboxId: string): Promise<void> {
  const configs = (await manager.listConfigs({
    filters: { label: [`${SANDBOX_LABEL}=${sandboxId}`] },
  })) as Array<{ ID: string }>
  for (const config of configs) await ignoreMissing(manager.getConfig(config.ID).remove())
}

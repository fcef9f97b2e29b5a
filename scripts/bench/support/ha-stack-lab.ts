// The reference HA stack as a lab the SandboxRegistry can provision, plus small helpers shared
// by the full-stack integration test and the benchmarks: run a command in one of a sandbox's
// containers, wait for every service to be healthy, sum the containers' memory, clean up.
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import path from 'node:path'
import { promisify } from 'node:util'
import type Docker from 'dockerode'
import type { ScriptResult } from '../../../contracts/runner-api'
import { runScript } from '../../../lab-runner/src/exec/run-script'
import { loadLab, type LabCatalog, type LoadedLab } from '../../../contracts/load-lab-definitions'
import { runnerLabOptions } from '../../../lab-runner/src/labs/read-lab-topology'
import { LABEL } from '../../../lab-runner/src/sandboxes/labels'
import {
  SandboxRegistry,
  type Logger,
  type SandboxRef,
  type SandboxRegistryOptions,
} from '../../../lab-runner/src/sandboxes/sandbox-registry'
import { sandboxServiceStatus } from '../../../lab-runner/src/topology/docker-driver'
import { dockerEngine } from '../../../lab-runner/src/engine/docker-engine'

const run = promisify(execFile)

export const repoRoot = path.resolve(import.meta.dirname, '../../..')
export const HA_STACK_SLUG = 'ha-stack'
const labFile = path.join(repoRoot, 'lab-runner/test-fixtures/stack-labs/ha-stack/lab.yaml')

export const quietLog: Logger = { info: () => {}, warn: () => {}, error: () => {} }

/** The fixture lab, loaded with the repository root as its labs folder (its topology is labs/topologies/ha-stack.yaml). */
export function haStackCatalog(): LabCatalog {
  const loaded = loadLab(labFile, repoRoot, runnerLabOptions)
  if (!loaded.ok) {
    throw new Error(
      `the ha-stack fixture lab does not load: ${loaded.errors.map((e) => `${e.file}: ${e.field}: ${e.message}`).join('; ')}`,
    )
  }
  return { labs: new Map([[HA_STACK_SLUG, loaded.lab]]), errors: [] }
}

export function haStackLab(catalog: LabCatalog): LoadedLab {
  const lab = catalog.labs.get(HA_STACK_SLUG)
  if (!lab) throw new Error('ha-stack lab missing from its catalog')
  return lab
}

/** A registry of our own (unique runner instance, `academy.test=1`), so cleanup touches nothing else. */
export function newHaStackRegistry(options: Partial<SandboxRegistryOptions> & { docker: Docker }): {
  registry: SandboxRegistry
  instance: string
} {
  // A Swarm benchmark brings its own engine; otherwise the sandboxes run on `docker`.
  const { docker, engine, ...rest } = options
  const instance = options.instance ?? `stack-test-${randomBytes(4).toString('hex')}`
  const registry = new SandboxRegistry({
    engine: engine ?? dockerEngine(docker),
    catalog: haStackCatalog(),
    labsDir: repoRoot,
    maxSandboxes: 8,
    extraLabels: { 'academy.test': '1' },
    reapIntervalMs: 3_600_000,
    provisionTimeoutMs: 240_000,
    log: quietLog,
    ...rest,
    instance,
  })
  return { registry, instance }
}

/** Removes every container, volume and network carrying this runner instance's label. */
export async function removeRunnerResources(docker: Docker, instance: string): Promise<void> {
  const filters = { label: [`${LABEL.runner}=${instance}`] }
  const containers = await docker.listContainers({ all: true, filters })
  await Promise.all(
    containers.map((c) =>
      docker
        .getContainer(c.Id)
        .remove({ force: true, v: true })
        .catch(() => undefined),
    ),
  )
  const volumes = (await docker.listVolumes({ filters })).Volumes ?? []
  await Promise.all(
    volumes.map((v) =>
      docker
        .getVolume(v.Name)
        .remove()
        .catch(() => undefined),
    ),
  )
  for (const network of await docker.listNetworks({ filters }))
    await docker
      .getNetwork(network.Id)
      .remove()
      .catch(() => undefined)
}

/**
 * Runs a bash snippet in one host of the sandbox through the runner's own script runner
 * (stdin-fed, `timeout -s KILL`), as the image's default user, with optional extra env.
 */
export async function sh(
  docker: Docker,
  sandbox: SandboxRef,
  host: string,
  script: string,
  options: { timeoutS?: number; env?: Record<string, string> } = {},
): Promise<ScriptResult> {
  return runScript({ docker, sandbox, host, script, timeoutS: options.timeoutS ?? 20, env: options.env })
}

export interface HealthWait {
  ok: boolean
  seconds: number
  /** Services not yet healthy (or one-shots not exited 0) when the wait ended. */
  pending: string[]
}

/**
 * Waits until every long-running service is running and healthy (services without a healthcheck:
 * running) and every one-shot (`restart: "no"`) exited 0.
 */
export async function waitAllHealthy(
  docker: Docker,
  sandboxId: string,
  lab: LoadedLab,
  options: { startedAt: number; timeoutMs: number },
): Promise<HealthWait> {
  const deadline = Date.now() + options.timeoutMs
  let pending: string[] = lab.services
  for (;;) {
    const statuses = await sandboxServiceStatus(docker, sandboxId, lab.services)
    pending = statuses
      .filter(
        (s) =>
          !(
            (s.state === 'exited' && s.exitCode === 0) ||
            (s.state === 'running' && (s.health === 'healthy' || s.health === 'none'))
          ),
      )
      .map((s) => `${s.host}(${s.state}/${s.health})`)
    if (pending.length === 0)
      return { ok: true, seconds: (performance.now() - options.startedAt) / 1000, pending }
    if (Date.now() > deadline)
      return { ok: false, seconds: (performance.now() - options.startedAt) / 1000, pending }
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

/** Memory in use by each running container of a sandbox (docker stats: usage minus page cache), in bytes. */
export async function sandboxMemory(
  sandboxId: string,
): Promise<{ totalBytes: number; byHost: Record<string, number> }> {
  const ids = (await run('docker', ['ps', '-q', '--filter', `label=${LABEL.sandbox}=${sandboxId}`])).stdout
    .split('\n')
    .filter(Boolean)
  if (ids.length === 0) return { totalBytes: 0, byHost: {} }
  const { stdout } = await run(
    'docker',
    ['stats', '--no-stream', '--format', '{{.Name}}\t{{.MemUsage}}', ...ids],
    { timeout: 60_000 },
  )
  const byHost: Record<string, number> = {}
  for (const line of stdout.split('\n').filter(Boolean)) {
    const [name = '', usage = ''] = line.split('\t')
    const host = name.replace(`academy-${sandboxId}-`, '')
    byHost[host] = parseDockerSize(usage.split('/')[0]?.trim() ?? '')
  }
  return { totalBytes: Object.values(byHost).reduce((sum, bytes) => sum + bytes, 0), byHost }
}

/** "12.5MiB" → bytes (docker stats uses binary units). */
export function parseDockerSize(text: string): number {
  const match = /^([\d.]+)\s*([KMGT]?i?B)$/.exec(text)
  if (!match) return 0
  const units: Record<string, number> = {
    B: 1,
    KiB: 1024,
    MiB: 1024 ** 2,
    GiB: 1024 ** 3,
    TiB: 1024 ** 4,
    kB: 1e3,
    KB: 1e3,
    MB: 1e6,
    GB: 1e9,
    TB: 1e12,
  }
  return Number(match[1]) * (units[match[2] ?? 'B'] ?? 1)
}

export const mib = (bytes: number) => bytes / 1024 ** 2

export function median(values: number[]): number {
  return percentile(values, 50)
}

/** Nearest-rank percentile. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  if (sorted.length === 0) return Number.NaN
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] ?? Number.NaN
}

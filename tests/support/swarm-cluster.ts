// A real three-node Docker Swarm on this one machine, for tests of the lab-runner's Swarm
// driver: one manager and two workers, each a Docker-in-Docker container (Debian's dockerd,
// Engine 20.10 as on the hosts) on a bridge network of the host engine, plus an image registry
// (Debian's docker-registry). Test-only: every node's Engine API is plain TCP, without TLS.
//
// Image references name the registry `127.0.0.1:<port>/...`. The host engine pushes there
// (the registry is published on the host's loopback only), and Docker allows plain HTTP to a
// loopback registry without any daemon configuration. Inside each node a socat forwarder listens
// on the node's own 127.0.0.1:<port> and carries it to the registry container, so the very same
// reference pulls on every node (tests/support/swarm-node/swarm-node-entrypoint).
//
// Everything created carries the label `academy.test-swarm=<prefix>` and names starting with
// the prefix; `remove()` deletes by that label, and `removeLeftoverSwarmClusters()` finds the
// clusters of test processes that died without removing theirs.
import { randomBytes } from 'node:crypto'
import { readdir, rmdir } from 'node:fs/promises'
import { mkdirSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Docker from 'dockerode'
import { loadImageBuildConfig } from '../../scripts/images/config'
import { computeContextHash } from '../../scripts/images/context-hash'
import { docker, imageId, run, tagImage, type RunResult } from '../../scripts/images/docker-cli'
import { registryReference } from '../../scripts/images/push-images'

export interface SwarmNode {
  /** The node's hostname in the swarm (`manager-1`, `worker-1`, `worker-2`): `node.hostname==<name>`. */
  name: string
  nodeId: string
  /** `tcp://<node container ip>:2375`, reachable from the host. */
  engineUrl: string
  role: 'manager' | 'worker'
  /** The Docker-in-Docker container on the host engine. */
  containerName: string
}

export interface SwarmCluster {
  /** The unique name prefix, also the value of the `academy.test-swarm` label. */
  prefix: string
  manager: SwarmNode
  /** One manager and two workers, manager first. */
  nodes: SwarmNode[]
  /** `127.0.0.1:<port>`: the same address pushes from the host and pulls on every node. */
  registry: string
  /** The host-side Docker network the nodes and the registry share. */
  network: string
  /**
   * `docker kill`s the node's container (a lost machine); the manager reports it `down` about
   * 13 s later. Kill a worker: with manager-1 gone there is no manager left to ask.
   */
  killNode(name: string): Promise<void>
  /** Removes nodes, registry, volumes and network; safe to call twice. */
  remove(): Promise<void>
}

export interface SwarmClusterOptions {
  /** Names the test in container, volume and network names; a random suffix keeps it unique. */
  prefix?: string
  /** Labels put on all three swarm nodes; default `{ 'academy.sandboxes': 'true' }`. */
  nodeLabels?: Record<string, string>
  onProgress?: (line: string) => void
}

/** One row of `docker node ls` on the manager. */
export interface SwarmNodeState {
  id: string
  hostname: string
  /** `ready`, `down`, `unknown`, `disconnected` */
  status: string
  /** `active`, `pause`, `drain` */
  availability: string
  managerStatus: string
}

export const SWARM_LABEL = 'academy.test-swarm'
/** `<hostname>:<pid>` of the test process that made the cluster: its leftovers are recognised by it. */
export const SWARM_OWNER_LABEL = 'academy.test-swarm.owner'
const NODE_IMAGE_REPOSITORY = 'helix-academy/test-swarm-node'
const NODE_IMAGE_DIR = path.join(import.meta.dirname, 'swarm-node')
const ENSURE_BASE_IMAGE = path.resolve(
  import.meta.dirname,
  '../../lab-runner/test-fixtures/ensure-base-image.sh',
)
const ENGINE_PORT = 2375
const REGISTRY_PORT_IN_CONTAINER = 5000
// Overlay subnets come from here instead of Swarm's default 10.0.0.0/8, which overlaps the
// host engine's pool (10.201.0.0/16, scripts/ensure-docker.sh).
const OVERLAY_POOL = '10.202.0.0/16'
// The inner engines' containers get cgroups under /sys/fs/cgroup/<controller>/<this>/<prefix>/<node>
// (the host's cgroup tree is mounted into the nodes): a killed node leaves them behind empty,
// and remove() can find and delete exactly its own.
const CGROUP_ROOT = '/sys/fs/cgroup'
const CGROUP_PARENT = 'academy-test-swarm'
const NODE_NAMES = ['manager-1', 'worker-1', 'worker-2'] as const

// Docker-in-Docker without --privileged, which fails on our hosts ("unable to apply caps":
// CAP_SYS_RESOURCE is outside the bounding set). overlay2 in the inner engine needs
// /var/lib/docker on a real filesystem, hence a volume per node.
const DIND_FLAGS = [
  '--cap-add=ALL',
  '--cap-drop=SYS_RESOURCE',
  '--security-opt=seccomp=unconfined',
  '--security-opt=apparmor=unconfined',
  '--device-cgroup-rule=a *:* rwm',
  '--volume=/sys/fs/cgroup:/sys/fs/cgroup:rw',
  '--tmpfs=/run',
]

const seconds = (since: number): string => `${((Date.now() - since) / 1000).toFixed(1)} s`
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

function lastLines(text: string, count: number): string {
  return text.trim().split('\n').slice(-count).join('\n')
}

function failure(result: RunResult, what: string): string {
  const reason = lastLines(result.stderr, 3) || lastLines(result.stdout, 3) || `exit code ${result.code}`
  return `${what} failed: ${reason}`
}

async function mustDocker(args: string[], what: string, timeoutMs = 60_000): Promise<string> {
  const result = await docker(args, { timeoutMs })
  if (result.code !== 0) throw new Error(failure(result, what))
  return result.stdout.trim()
}

// The host's DOCKER_TLS_VERIFY / DOCKER_CERT_PATH / DOCKER_CONTEXT must not leak into commands
// for the nodes, whose engines speak plain TCP.
function nodeEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env }
  for (const key of ['DOCKER_HOST', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'DOCKER_CONTEXT'])
    delete env[key]
  return env
}

/** The docker CLI against one node's engine (`docker -H tcp://<node ip>:2375 ...`). */
export function dockerOnNode(
  node: { engineUrl: string },
  args: string[],
  timeoutMs = 60_000,
): Promise<RunResult> {
  return docker(['-H', node.engineUrl, ...args], { env: nodeEnv(), timeoutMs })
}

async function mustOnNode(node: { engineUrl: string }, args: string[], what: string): Promise<string> {
  const result = await dockerOnNode(node, args)
  if (result.code !== 0) throw new Error(failure(result, `${what} (on ${node.engineUrl})`))
  return result.stdout.trim()
}

/** A dockerode client for one node's Engine API, as the lab-runner would make it. */
export function engineClient(node: SwarmNode): Docker {
  const url = new URL(node.engineUrl)
  return new Docker({ host: url.hostname, port: Number(url.port), protocol: 'http' })
}

// --- The node image ---------------------------------------------------------------------------

async function ensureBaseImage(baseImage: string): Promise<string> {
  const present = await imageId(baseImage)
  if (present) return present
  const made = await run('bash', [ENSURE_BASE_IMAGE], {
    env: { ...process.env, BASE_IMAGE: baseImage },
    timeoutMs: 10 * 60_000,
  })
  const id = await imageId(baseImage)
  if (made.code !== 0 || !id) {
    throw new Error(
      `${failure(made, `Making the base image ${baseImage}`)}\nBuild it with \`npm run images\` and try again.`,
    )
  }
  return id
}

/** Builds tests/support/swarm-node once per content hash; returns its tag. */
async function ensureNodeImage(progress: (line: string) => void): Promise<string> {
  const loaded = loadImageBuildConfig()
  if (!loaded.ok) throw new Error(loaded.message)
  const baseImage = loaded.config.baseImage
  const baseImageId = await ensureBaseImage(baseImage)
  const hash = await computeContextHash({
    contexts: [{ dir: NODE_IMAGE_DIR, prefix: '' }],
    buildArgs: { BASE: baseImage },
    baseImageId,
  })
  const tag = `${NODE_IMAGE_REPOSITORY}:${hash}`
  if (await imageId(tag)) return tag
  const started = Date.now()
  progress(`building ${tag} (docker.io, docker-registry, socat from the Debian mirror)`)
  // flock: two test files starting clusters at once must not build the same image twice.
  // In the project's data folder (created by the image build), never outside the repository.
  mkdirSync(loaded.config.dataDir, { recursive: true })
  const lock = path.join(loaded.config.dataDir, 'test-swarm-node.lock')
  const build = ['docker', 'build', '-q', `--tag=${tag}`, `--build-arg=BASE=${baseImage}`, NODE_IMAGE_DIR]
  const built = await run('flock', [lock, ...build], { timeoutMs: 15 * 60_000 })
  if (built.code !== 0) {
    throw new Error(
      `${failure(built, `docker build of ${NODE_IMAGE_DIR}`)}\nCan Docker builds reach the Debian mirror?`,
    )
  }
  progress(`built ${tag} in ${seconds(started)}`)
  await removeOlderNodeImages(tag)
  return tag
}

/** Each change to swarm-node/ makes a new 400 MB image: the older ones go, unless in use. */
async function removeOlderNodeImages(keep: string): Promise<void> {
  const listed = await docker(['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}', NODE_IMAGE_REPOSITORY])
  const older = listed.stdout.split('\n').filter((tag) => tag !== '' && tag !== keep)
  // A running cluster of another test process still uses its image: docker refuses, and it stays.
  for (const tag of older) await docker(['image', 'rm', tag], { timeoutMs: 60_000 })
}

// --- Containers, volumes, network ---------------------------------------------------------------

function labelArgs(prefix: string): string[] {
  return [`--label=${SWARM_LABEL}=${prefix}`, `--label=${SWARM_OWNER_LABEL}=${os.hostname()}:${process.pid}`]
}

async function containerIp(container: string, network: string): Promise<string> {
  const format = `{{with index .NetworkSettings.Networks "${network}"}}{{.IPAddress}}{{end}}`
  const ip = await mustDocker(
    ['inspect', '--format', format, container],
    `Reading the address of ${container}`,
  )
  if (ip === '') throw new Error(`${container} has no address on the network ${network}: is it running?`)
  return ip
}

async function containerLogTail(container: string, lines = 30): Promise<string> {
  const logs = await docker(['logs', '--tail', String(lines), container], { timeoutMs: 30_000 })
  // docker logs writes the container's stdout and stderr to its own; dockerd logs to stderr.
  return `${logs.stdout}${logs.stderr}`.trim() || '(no log lines)'
}

async function isRunning(container: string): Promise<boolean> {
  const state = await docker(['inspect', '--format', '{{.State.Running}}', container], { timeoutMs: 30_000 })
  return state.stdout.trim() === 'true'
}

interface Registry {
  container: string
  ip: string
  /** Published on the host's 127.0.0.1; the nodes' forwarders listen on the same port. */
  port: string
  /** `127.0.0.1:<port>` */
  address: string
}

async function startRegistry(prefix: string, network: string, image: string): Promise<Registry> {
  const container = `${prefix}-registry`
  // `127.0.0.1::5000`: the host engine picks a free port, so there is no window in which
  // something else could take a port chosen beforehand.
  const identity = [`--name=${container}`, `--network=${network}`, ...labelArgs(prefix)]
  const publish = `--publish=127.0.0.1::${REGISTRY_PORT_IN_CONTAINER}`
  await mustDocker(
    ['run', '-d', ...identity, '--user=docker-registry', publish, image, 'registry'],
    `Starting the registry container ${container}`,
  )
  const published = await mustDocker(
    ['port', container, `${REGISTRY_PORT_IN_CONTAINER}/tcp`],
    `docker port ${container}`,
  )
  const port = /^127\.0\.0\.1:(\d+)$/m.exec(published)?.[1]
  if (!port)
    throw new Error(
      `The registry ${container} is not published on 127.0.0.1 (docker port says "${published}").`,
    )
  const ip = await containerIp(container, network)
  const registry = { container, ip, port, address: `127.0.0.1:${port}` }
  await waitForRegistry(registry)
  return registry
}

async function waitForRegistry(registry: Registry): Promise<void> {
  const deadline = Date.now() + 30_000
  for (;;) {
    // A connection docker-proxy accepted before the registry listened may never be answered.
    const answer = await fetch(`http://${registry.address}/v2/`, {
      signal: AbortSignal.timeout(2_000),
    }).catch(() => undefined)
    if (answer?.ok) return
    if (Date.now() > deadline) {
      throw new Error(
        `The registry ${registry.container} did not answer on http://${registry.address}/v2/ within 30 s. ` +
          `Its last log lines:\n${await containerLogTail(registry.container)}`,
      )
    }
    await sleep(200)
  }
}

interface StartedNode {
  name: string
  role: 'manager' | 'worker'
  containerName: string
  ip: string
  engineUrl: string
}

async function startNode(
  prefix: string,
  network: string,
  image: string,
  registry: Registry,
  name: string,
): Promise<StartedNode> {
  const containerName = `${prefix}-${name}`
  const volume = `${containerName}-docker`
  await mustDocker(['volume', 'create', ...labelArgs(prefix), volume], `Creating the volume ${volume}`)
  const identity = [
    `--name=${containerName}`,
    `--hostname=${name}`,
    `--network=${network}`,
    ...labelArgs(prefix),
  ]
  const forwarder = [
    `--env=REGISTRY_PORT=${registry.port}`,
    `--env=REGISTRY_UPSTREAM=${registry.ip}:${REGISTRY_PORT_IN_CONTAINER}`,
  ]
  const dockerdFlags = [`--cgroup-parent=/${CGROUP_PARENT}/${prefix}/${name}`]
  await mustDocker(
    [
      'run',
      '-d',
      ...identity,
      ...DIND_FLAGS,
      `--volume=${volume}:/var/lib/docker`,
      ...forwarder,
      image,
      'node',
      ...dockerdFlags,
    ],
    `Starting the node container ${containerName}`,
  )
  const ip = await containerIp(containerName, network)
  const role = name.startsWith('manager') ? 'manager' : 'worker'
  return { name, role, containerName, ip, engineUrl: `tcp://${ip}:${ENGINE_PORT}` }
}

/** Waits until the node's inner dockerd answers on its TCP endpoint, from the host. */
async function waitForEngine(node: StartedNode, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const answer = await dockerOnNode(node, ['version', '--format', '{{.Server.Version}}'], 10_000)
    if (answer.code === 0 && answer.stdout.trim() !== '') return
    const running = await isRunning(node.containerName)
    if (!running || Date.now() > deadline) {
      const why = running ? `did not answer within ${timeoutMs / 1000} s` : 'exited'
      throw new Error(
        `The Docker engine of swarm node ${node.name} (${node.containerName}) ${why} at ${node.engineUrl}. ` +
          `Check that Docker-in-Docker works on this host (cgroup v1; DIND_FLAGS in tests/support/swarm-cluster.ts). ` +
          `Its last log lines:\n${await containerLogTail(node.containerName)}`,
      )
    }
    await sleep(300)
  }
}

// --- The swarm -----------------------------------------------------------------------------------

async function formSwarm(manager: StartedNode, workers: StartedNode[]): Promise<void> {
  await mustOnNode(
    manager,
    [
      'swarm',
      'init',
      '--advertise-addr',
      manager.ip,
      '--default-addr-pool',
      OVERLAY_POOL,
      '--default-addr-pool-mask-length',
      '24',
    ],
    `docker swarm init on ${manager.name}`,
  )
  const token = await mustOnNode(
    manager,
    ['swarm', 'join-token', '-q', 'worker'],
    'Reading the worker join token',
  )
  await Promise.all(
    workers.map((worker) =>
      mustOnNode(
        worker,
        ['swarm', 'join', '--token', token, '--advertise-addr', worker.ip, `${manager.ip}:2377`],
        `docker swarm join of ${worker.name}`,
      ),
    ),
  )
}

async function nodeId(node: StartedNode): Promise<string> {
  const id = await mustOnNode(
    node,
    ['info', '--format', '{{.Swarm.NodeID}}'],
    `Reading the swarm node id of ${node.name}`,
  )
  if (id === '')
    throw new Error(`${node.name} (${node.engineUrl}) is not part of the swarm after joining it.`)
  return id
}

/** `docker node ls` on the manager. */
export async function listSwarmNodes(cluster: Pick<SwarmCluster, 'manager'>): Promise<SwarmNodeState[]> {
  const listed = await mustOnNode(cluster.manager, ['node', 'ls', '--format', '{{json .}}'], 'docker node ls')
  return listed
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const row = JSON.parse(line) as Record<string, string>
      return {
        id: row.ID ?? '',
        hostname: row.Hostname ?? '',
        status: (row.Status ?? '').toLowerCase(),
        availability: (row.Availability ?? '').toLowerCase(),
        managerStatus: row.ManagerStatus ?? '',
      }
    })
}

async function waitForReadyNodes(manager: SwarmNode, names: string[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const states = await listSwarmNodes({ manager })
    const ready = (name: string): boolean =>
      states.some((s) => s.hostname === name && s.status === 'ready' && s.availability === 'active')
    if (names.every(ready)) return
    if (Date.now() > deadline) {
      const table = states.map((s) => `  ${s.hostname} ${s.status} ${s.availability}`).join('\n')
      throw new Error(
        `Not all swarm nodes became Ready/Active within ${timeoutMs / 1000} s; docker node ls says:\n${table}`,
      )
    }
    await sleep(500)
  }
}

// --- Removal ------------------------------------------------------------------------------------

async function listByLabel(kind: 'container' | 'volume' | 'network', filter: string): Promise<string[]> {
  const args = kind === 'container' ? ['ps', '-a', '-q'] : [kind, 'ls', '-q']
  const listed = await mustDocker(
    [...args, '--filter', `label=${filter}`],
    `Listing ${kind}s labelled ${filter}`,
  )
  return listed.split('\n').filter((id) => id !== '')
}

/** Deletes `dir` and every cgroup below it; a cgroup still holding processes stays (EBUSY). */
async function removeCgroupTree(dir: string): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => [])
  for (const entry of entries) if (entry.isDirectory()) await removeCgroupTree(path.join(dir, entry.name))
  await rmdir(dir).catch(() => {})
}

async function removeCgroups(prefix: string): Promise<void> {
  const controllers = await readdir(CGROUP_ROOT, { withFileTypes: true }).catch(() => [])
  for (const controller of controllers) {
    if (!controller.isDirectory()) continue
    const parent = path.join(CGROUP_ROOT, controller.name, CGROUP_PARENT)
    await removeCgroupTree(path.join(parent, prefix))
    // Shared by all clusters: goes only when no other cluster uses it (rmdir of a non-empty one fails).
    await rmdir(parent).catch(() => {})
  }
}

async function removeClusterResources(prefix: string): Promise<void> {
  const filter = `${SWARM_LABEL}=${prefix}`
  const problems: string[] = []
  const attempt = async (args: string[], what: string): Promise<void> => {
    const result = await docker(args, { timeoutMs: 120_000 })
    if (result.code !== 0) problems.push(failure(result, what))
  }
  const containers = await listByLabel('container', filter)
  if (containers.length > 0)
    await attempt(['rm', '-f', '-v', ...containers], `Removing the containers of ${prefix}`)
  const volumes = await listByLabel('volume', filter)
  if (volumes.length > 0)
    await attempt(['volume', 'rm', '-f', ...volumes], `Removing the volumes of ${prefix}`)
  const networks = await listByLabel('network', filter)
  if (networks.length > 0) await attempt(['network', 'rm', ...networks], `Removing the network of ${prefix}`)
  await removeCgroups(prefix)
  if (problems.length > 0) {
    throw new Error(`${problems.join('\n')}\nLeft behind: see \`docker ps -a --filter label=${filter}\`.`)
  }
}

function ownerIsAlive(owner: string): boolean {
  const [host, pidText] = owner.split(':')
  const pid = Number(pidText)
  // Another machine's test process can't be asked; its clusters are left alone.
  if (host !== os.hostname()) return true
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

async function labelledPrefixes(): Promise<Map<string, string>> {
  const format = `{{.Label "${SWARM_LABEL}"}}\t{{.Label "${SWARM_OWNER_LABEL}"}}`
  const owners = new Map<string, string>()
  for (const args of [
    ['ps', '-a'],
    ['volume', 'ls'],
    ['network', 'ls'],
  ]) {
    const listed = await mustDocker(
      [...args, '--filter', `label=${SWARM_LABEL}`, '--format', format],
      'Listing test swarm resources',
    )
    for (const line of listed.split('\n')) {
      const [prefix, owner] = line.split('\t')
      if (prefix) owners.set(prefix, owner ?? '')
    }
  }
  return owners
}

/**
 * Removes the clusters whose test process on this machine is gone (killed runs, crashed
 * workers); clusters of live processes, e.g. a parallel test file, stay. Returns their prefixes.
 */
export async function removeLeftoverSwarmClusters(
  onProgress: (line: string) => void = () => {},
): Promise<string[]> {
  const removed: string[] = []
  for (const [prefix, owner] of await labelledPrefixes()) {
    if (ownerIsAlive(owner)) continue
    onProgress(`removing the leftover test swarm ${prefix} (its test process ${owner || '?'} is gone)`)
    await removeClusterResources(prefix)
    removed.push(prefix)
  }
  return removed
}

// --- The cluster ----------------------------------------------------------------------------------

function uniquePrefix(name = 'academy-swarm'): string {
  const safe =
    name
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'academy-swarm'
  return `${safe}-${randomBytes(3).toString('hex')}`
}

export async function startSwarmCluster(options: SwarmClusterOptions = {}): Promise<SwarmCluster> {
  const progress = (line: string): void => options.onProgress?.(`swarm: ${line}`)
  await removeLeftoverSwarmClusters(progress)
  const image = await ensureNodeImage(progress)
  const prefix = uniquePrefix(options.prefix)
  const started = Date.now()
  try {
    const cluster = await buildCluster(
      prefix,
      image,
      options.nodeLabels ?? { 'academy.sandboxes': 'true' },
      progress,
    )
    progress(`cluster ${prefix} ready in ${seconds(started)} (registry ${cluster.registry})`)
    return cluster
  } catch (error) {
    await removeClusterResources(prefix).catch((cleanup: unknown) =>
      progress(`cleanup after failure: ${String(cleanup)}`),
    )
    throw error
  }
}

async function buildCluster(
  prefix: string,
  image: string,
  nodeLabels: Record<string, string>,
  progress: (line: string) => void,
): Promise<SwarmCluster> {
  const network = prefix
  await mustDocker(
    ['network', 'create', '--driver', 'bridge', ...labelArgs(prefix), network],
    `Creating the network ${network}`,
  )
  const registry = await startRegistry(prefix, network, image)
  progress(`registry answers at ${registry.address}`)

  const started = await Promise.all(
    NODE_NAMES.map((name) => startNode(prefix, network, image, registry, name)),
  )
  await Promise.all(started.map((node) => waitForEngine(node)))
  progress(`engines answer: ${started.map((n) => `${n.name} ${n.engineUrl}`).join(', ')}`)

  const [managerNode, ...workerNodes] = started
  if (!managerNode) throw new Error('No manager node was started.')
  await formSwarm(managerNode, workerNodes)
  const nodes: SwarmNode[] = await Promise.all(
    started.map(async (node) => ({
      name: node.name,
      nodeId: await nodeId(node),
      engineUrl: node.engineUrl,
      role: node.role,
      containerName: node.containerName,
    })),
  )
  const manager = nodes[0]!
  await labelNodes(manager, nodes, nodeLabels)
  await waitForReadyNodes(manager, [...NODE_NAMES])
  return makeCluster(prefix, manager, nodes, registry.address, network)
}

async function labelNodes(
  manager: SwarmNode,
  nodes: SwarmNode[],
  labels: Record<string, string>,
): Promise<void> {
  const args = Object.entries(labels).flatMap(([key, value]) => ['--label-add', `${key}=${value}`])
  if (args.length === 0) return
  for (const node of nodes) {
    await mustOnNode(manager, ['node', 'update', ...args, node.nodeId], `Labelling swarm node ${node.name}`)
  }
}

function makeCluster(
  prefix: string,
  manager: SwarmNode,
  nodes: SwarmNode[],
  registry: string,
  network: string,
): SwarmCluster {
  return {
    prefix,
    manager,
    nodes,
    registry,
    network,
    async killNode(name) {
      const node = nodes.find((n) => n.name === name)
      if (!node)
        throw new Error(
          `No swarm node "${name}" in ${prefix}: the nodes are ${nodes.map((n) => n.name).join(', ')}.`,
        )
      await mustDocker(['kill', node.containerName], `docker kill ${node.containerName} (swarm node ${name})`)
    },
    remove: () => removeClusterResources(prefix),
  }
}

// --- Images ---------------------------------------------------------------------------------------

/** True when the first path component names a registry host (`host:port/`, `a.b/`, `localhost/`). */
function hasRegistryHost(image: string): boolean {
  const first = image.split('/')[0] ?? ''
  return image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')
}

/**
 * Tags and pushes local images into the cluster's registry; returns local name -> the reference
 * every node can pull (`127.0.0.1:<port>/helix-academy/redis:latest`). As `npm run images --
 * --push` does, the registry tag is removed locally again once pushed.
 */
export async function pushImagesToCluster(
  cluster: SwarmCluster,
  images: string[],
): Promise<Map<string, string>> {
  const references = new Map<string, string>()
  for (const image of images) {
    if (hasRegistryHost(image)) {
      throw new Error(
        `${image} already names a registry; give the local name (e.g. helix-academy/redis:latest).`,
      )
    }
    if (!(await imageId(image))) {
      throw new Error(
        `The image ${image} is not on this Docker engine; build the lab images with \`npm run images\`.`,
      )
    }
    const reference = registryReference(cluster.registry, image)
    await tagImage(image, reference)
    const pushed = await docker(['push', reference], { timeoutMs: 10 * 60_000 })
    await docker(['image', 'rm', reference], { timeoutMs: 30_000 })
    if (pushed.code !== 0) {
      throw new Error(
        `${failure(pushed, `docker push ${reference}`)}\nIs the cluster's registry container running?`,
      )
    }
    references.set(image, reference)
  }
  return references
}

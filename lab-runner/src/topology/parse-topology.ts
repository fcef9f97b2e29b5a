// Reads a Compose file (the supported subset) into a normalised Topology: validated, with
// variables interpolated, volumes resolved, and services in a start order that respects
// depends_on. Every problem is reported with its path; nothing here touches Docker.
import { existsSync, readFileSync, realpathSync } from 'node:fs'
import path from 'node:path'
import { parseDocument } from 'yaml'
import { describeZodIssues, formatIssuePath, JUSTIFIED_CAPABILITIES } from '../../../contracts/lab-definition'
import { composeFileSchema, DEFAULT_TMPFS_SIZE, type ComposeService } from './compose-schema'
import { interpolateTree, type PathedError, type Variables } from './interpolate'
import { parseByteSize, parseDurationNs, splitShellWords } from './units'

export const DEFAULT_MEMORY_BYTES = 256 * 1024 ** 2
export const DEFAULT_NANO_CPUS = 1e9
export const DEFAULT_PIDS_LIMIT = 256

export type DependencyCondition = 'service_started' | 'service_healthy' | 'service_completed_successfully'

export type VolumeMount =
  | { kind: 'volume'; name: string; target: string; readOnly: boolean }
  | { kind: 'bind'; hostPath: string; target: string; readOnly: true }

export interface HealthcheckSpec {
  test: string[]
  intervalNs?: number
  timeoutNs?: number
  retries?: number
  startPeriodNs?: number
}

export interface ServiceSpec {
  name: string
  image: string
  command?: string[]
  entrypoint?: string[]
  env: string[]
  volumes: VolumeMount[]
  dependsOn: Array<{ service: string; condition: DependencyCondition }>
  /** `null` means the image's healthcheck is switched off (`disable: true`). */
  healthcheck?: HealthcheckSpec | null
  memoryBytes: number
  nanoCpus: number
  pidsLimit: number
  user?: string
  hostname?: string
  workingDir?: string
  restart: 'no' | 'always' | 'on-failure' | 'unless-stopped'
  capAdd: string[]
  /** In-memory scratch mounts, each with a size (bounded by the service's memory limit too). */
  tmpfs: Array<{ target: string; sizeBytes: number }>
  /** Run in the container to hand it a claimed warm sandbox's seed instead of recreating it. */
  reseed?: string[]
}

export interface Topology {
  /** In a valid start order: every service comes after the services it depends on. */
  services: ServiceSpec[]
  volumeNames: string[]
}

export interface TopologyIssue {
  /** e.g. `services.api.depends_on.db` */
  path: string
  message: string
}

export type TopologyResult = { ok: true; topology: Topology } | { ok: false; issues: TopologyIssue[] }

export interface ParseTopologyOptions {
  /** Used to resolve relative bind sources. */
  composeDir: string
  /** Bind sources must resolve inside this folder (the labs folder): never the host's files. */
  bindRoot: string
  variables: Variables
  /** NET_RAW / NET_ADMIN the lab definition justifies (`capabilities:`); any other use is an issue. */
  justifiedCapabilities?: ReadonlyArray<string>
}

/** Secret names declared by a topology (`x-academy.secrets`), read before interpolation. */
export function declaredSecretNames(yamlText: string): string[] {
  const raw: unknown = parseDocument(yamlText).toJS()
  if (raw === null || typeof raw !== 'object') return []
  const block = (raw as Record<string, unknown>)['x-academy']
  if (block === null || typeof block !== 'object') return []
  const secrets = (block as Record<string, unknown>)['secrets']
  return Array.isArray(secrets) ? secrets.filter((s): s is string => typeof s === 'string') : []
}

export function parseTopologyFile(
  file: string,
  options: Omit<ParseTopologyOptions, 'composeDir'>,
): TopologyResult {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    return {
      ok: false,
      issues: [{ path: '(file)', message: `cannot read ${file}: ${(error as Error).message}` }],
    }
  }
  return parseTopology(text, { ...options, composeDir: path.dirname(file) })
}

export function parseTopology(yamlText: string, options: ParseTopologyOptions): TopologyResult {
  const document = parseDocument(yamlText)
  if (document.errors.length > 0) {
    return { ok: false, issues: document.errors.map((e) => ({ path: '(yaml)', message: e.message })) }
  }
  const interpolationErrors: PathedError[] = []
  const raw = interpolateTree(document.toJS(), options.variables, [], interpolationErrors)
  if (interpolationErrors.length > 0) return { ok: false, issues: interpolationErrors.map(toIssue) }

  const parsed = composeFileSchema.safeParse(raw)
  if (!parsed.success) {
    return { ok: false, issues: describeZodIssues(parsed.error.issues) }
  }
  const file = parsed.data
  const issues: TopologyIssue[] = []
  const declaredVolumes = new Set(Object.keys(file.volumes ?? {}))
  const services: ServiceSpec[] = []
  for (const [name, service] of Object.entries(file.services)) {
    services.push(normaliseService(name, service, declaredVolumes, options, issues))
  }
  if (services.length === 0)
    issues.push({ path: 'services', message: 'a topology needs at least one service' })
  checkDependencies(services, issues)
  if (issues.length > 0) return { ok: false, issues }
  const ordered = startOrder(services, issues)
  if (issues.length > 0 || !ordered) return { ok: false, issues }
  return { ok: true, topology: { services: ordered, volumeNames: [...declaredVolumes] } }
}

function toIssue(error: PathedError): TopologyIssue {
  return { path: formatIssuePath(error.path), message: error.message }
}

function normaliseService(
  name: string,
  service: ComposeService,
  declaredVolumes: Set<string>,
  options: ParseTopologyOptions,
  issues: TopologyIssue[],
): ServiceSpec {
  const at = (...rest: Array<string | number>) => formatIssuePath(['services', name, ...rest])
  const words = (value: string | string[] | undefined, key: string): string[] | undefined => {
    if (value === undefined) return undefined
    if (Array.isArray(value)) return value
    try {
      return splitShellWords(value)
    } catch (error) {
      issues.push({ path: at(key), message: (error as Error).message })
      return undefined
    }
  }
  const limits = service.deploy?.resources?.limits
  const memory = limits?.memory ?? service.mem_limit
  const cpus = limits?.cpus ?? service.cpus
  const healthcheck = service.healthcheck
  return {
    name,
    image: service.image,
    command: words(service.command, 'command'),
    entrypoint: words(service.entrypoint, 'entrypoint'),
    env: normaliseEnvironment(service.environment, options.variables),
    volumes: (service.volumes ?? []).flatMap((volume, index) => {
      const mount = normaliseVolume(volume, declaredVolumes, options, at('volumes', index), issues)
      return mount ? [mount] : []
    }),
    dependsOn: Array.isArray(service.depends_on)
      ? service.depends_on.map((dep) => ({ service: dep, condition: 'service_started' as const }))
      : Object.entries(service.depends_on ?? {}).map(([dep, value]) => ({
          service: dep,
          condition: value.condition,
        })),
    healthcheck:
      healthcheck === undefined
        ? undefined
        : healthcheck.disable
          ? null
          : {
              test: typeof healthcheck.test === 'string' ? ['CMD-SHELL', healthcheck.test] : healthcheck.test,
              intervalNs: healthcheck.interval ? parseDurationNs(healthcheck.interval) : undefined,
              timeoutNs: healthcheck.timeout ? parseDurationNs(healthcheck.timeout) : undefined,
              retries: healthcheck.retries,
              startPeriodNs: healthcheck.start_period ? parseDurationNs(healthcheck.start_period) : undefined,
            },
    memoryBytes: memory === undefined ? DEFAULT_MEMORY_BYTES : parseByteSize(memory),
    nanoCpus: cpus === undefined ? DEFAULT_NANO_CPUS : Math.round(Number(cpus) * 1e9),
    pidsLimit: limits?.pids ?? service.pids_limit ?? DEFAULT_PIDS_LIMIT,
    user: service.user,
    hostname: service.hostname,
    workingDir: service.working_dir,
    restart: service.restart ?? 'no',
    tmpfs: [service.tmpfs ?? []].flat().map((entry) => {
      const [target = '/', size] = entry.split(':size=')
      return { target, sizeBytes: parseByteSize(size ?? DEFAULT_TMPFS_SIZE) }
    }),
    capAdd: checkCapabilities(
      service['x-academy']?.capAdd ?? [],
      options.justifiedCapabilities ?? [],
      at('x-academy', 'capAdd'),
      issues,
    ),
    reseed: service['x-academy']?.reseed,
  }
}

function checkCapabilities(
  capAdd: string[],
  justified: ReadonlyArray<string>,
  where: string,
  issues: TopologyIssue[],
): string[] {
  capAdd.forEach((capability, index) => {
    if (
      (JUSTIFIED_CAPABILITIES as ReadonlyArray<string>).includes(capability) &&
      !justified.includes(capability)
    ) {
      issues.push({
        path: `${where}[${index}]`,
        message: `${capability} is off the default allow-list; the lab definition must justify it (capabilities: [{ name: ${capability}, justification: "…" }])`,
      })
    }
  })
  return capAdd
}

function normaliseEnvironment(environment: ComposeService['environment'], variables: Variables): string[] {
  if (environment === undefined) return []
  if (Array.isArray(environment)) {
    // A bare `NAME` takes its value from the sandbox variables, as Compose takes it from the shell.
    return environment.flatMap((entry) => {
      if (entry.includes('=')) return [entry]
      const value = Object.hasOwn(variables, entry) ? variables[entry] : undefined
      return value === undefined ? [] : [`${entry}=${value}`]
    })
  }
  return Object.entries(environment).flatMap(([key, value]) => {
    if (value === null) {
      const fromVariables = Object.hasOwn(variables, key) ? variables[key] : undefined
      return fromVariables === undefined ? [] : [`${key}=${fromVariables}`]
    }
    return [`${key}=${String(value)}`]
  })
}

function normaliseVolume(
  volume: string | { type: 'volume' | 'bind'; source: string; target: string; read_only?: boolean },
  declaredVolumes: Set<string>,
  options: ParseTopologyOptions,
  where: string,
  issues: TopologyIssue[],
): VolumeMount | undefined {
  let kind: 'volume' | 'bind'
  let source: string
  let target: string
  let readOnly: boolean
  if (typeof volume === 'string') {
    const parts = volume.split(':')
    if (
      parts.length < 2 ||
      parts.length > 3 ||
      (parts[2] !== undefined && !['ro', 'rw'].includes(parts[2]))
    ) {
      issues.push({ path: where, message: `"${volume}" must be "SOURCE:TARGET[:ro|rw]"` })
      return undefined
    }
    source = parts[0] as string
    target = parts[1] as string
    readOnly = parts[2] === 'ro'
    kind = source.startsWith('.') || source.startsWith('/') ? 'bind' : 'volume'
  } else {
    ;({ type: kind, source, target } = volume)
    readOnly = volume.read_only ?? false
  }
  if (!target.startsWith('/')) {
    issues.push({ path: where, message: `target "${target}" must be an absolute path` })
    return undefined
  }
  if (kind === 'volume') {
    if (!declaredVolumes.has(source)) {
      issues.push({
        path: where,
        message: `named volume "${source}" is not declared under the top-level "volumes:"`,
      })
      return undefined
    }
    return { kind, name: source, target, readOnly }
  }
  const hostPath = path.resolve(options.composeDir, source)
  const root = path.resolve(options.bindRoot)
  const outside = () =>
    issues.push({
      path: where,
      message: `bind source "${source}" resolves outside the labs folder (${root}); only lab files may be mounted`,
    })
  if (!isInside(hostPath, root)) {
    outside()
    return undefined
  }
  if (!readOnly) {
    issues.push({
      path: where,
      message: `bind mount "${source}" must be read-only (add ":ro"): lab files are shared by every sandbox`,
    })
    return undefined
  }
  if (!existsSync(hostPath)) {
    issues.push({ path: where, message: `bind source "${source}" not found (${hostPath})` })
    return undefined
  }
  // The text of the path is not enough: a symlink inside the labs folder (`./files -> /etc`)
  // would mount the host's files. Docker follows links, so check (and mount) the real path.
  const realPath = realpathSync(hostPath)
  if (!isInside(realPath, realpathSync(root))) {
    outside()
    return undefined
  }
  return { kind: 'bind', hostPath: realPath, target, readOnly: true }
}

function isInside(candidate: string, root: string): boolean {
  return candidate === root || candidate.startsWith(root + path.sep)
}

function checkDependencies(services: ServiceSpec[], issues: TopologyIssue[]): void {
  const byName = new Map(services.map((s) => [s.name, s]))
  for (const service of services) {
    for (const dep of service.dependsOn) {
      const where = formatIssuePath(['services', service.name, 'depends_on', dep.service])
      const target = byName.get(dep.service)
      if (!target) issues.push({ path: where, message: `depends on unknown service "${dep.service}"` })
      else if (dep.service === service.name)
        issues.push({ path: where, message: 'a service cannot depend on itself' })
      else if (dep.condition === 'service_healthy' && !target.healthcheck) {
        issues.push({
          path: where,
          message: `condition service_healthy needs a healthcheck on "${dep.service}"`,
        })
      }
    }
  }
}

/** Kahn's algorithm, keeping file order among independent services. */
function startOrder(services: ServiceSpec[], issues: TopologyIssue[]): ServiceSpec[] | undefined {
  const remaining = new Map(services.map((s) => [s.name, s]))
  const started = new Set<string>()
  const ordered: ServiceSpec[] = []
  while (remaining.size > 0) {
    const ready = [...remaining.values()].filter((s) => s.dependsOn.every((d) => started.has(d.service)))
    if (ready.length === 0) {
      issues.push({
        path: 'services',
        message: `depends_on forms a cycle among: ${[...remaining.keys()].join(', ')}`,
      })
      return undefined
    }
    for (const service of ready) {
      ordered.push(service)
      started.add(service.name)
      remaining.delete(service.name)
    }
  }
  return ordered
}

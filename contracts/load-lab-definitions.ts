// The one loader of `labs/*/lab.yaml`, used by the runner, the lab pages, grading and
// `npm run labs:validate`: schema, referenced files, the topology's services, and every host a
// lab names. A broken lab is reported and skipped, by every reader alike.
// The runner passes its full Compose parser as `readTopology` (placeholder variables, so
// undefined ${VARS} and bad depends_on show up before a learner presses Start); the web app
// only needs the service names. Caching is the caller's choice (see ADR 013).
// Node-only (file system); imported by server code and the runner, never by the browser.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { parseDocument } from 'yaml'
import {
  DEFAULT_SCRIPT_HOST,
  describeZodIssues,
  labDefinitionSchema,
  type LabDefinition,
} from './lab-definition'

export interface LoadedLab {
  definition: LabDefinition
  /** Absolute path of the lab folder. */
  dir: string
  /** Absolute path of the Compose file. */
  topologyFile: string
  /** Service names of the topology, in start order. */
  services: string[]
  /** Capabilities the topology adds back, each with the services that add it (for the validator's report). */
  capabilities: Record<string, string[]>
}

export interface LabError {
  /** Path relative to the labs folder's parent, e.g. `labs/ha-setup/lab.yaml`. */
  file: string
  /** e.g. `steps[2].check.script`, or `(file)` for the file as a whole. */
  field: string
  message: string
}

export interface LabCatalog {
  labs: Map<string, LoadedLab>
  errors: LabError[]
}

/** What reading a topology file yields: its services in start order, or field-level issues. */
export type TopologyServices =
  | {
      ok: true
      services: string[]
      /** Capabilities added back, each with the services that add it (full readers only). */
      capabilities?: Record<string, string[]>
    }
  | { ok: false; issues: Array<{ path: string; message: string }> }
/** `justifiedCapabilities`: what the lab definition allows beyond the default allow-list. */
export type TopologyReader = (
  topologyFile: string,
  labsRoot: string,
  justifiedCapabilities: string[],
) => TopologyServices

export interface LoadLabOptions {
  /** Default: the service names of the Compose file, in file order, without deeper checks. */
  readTopology?: TopologyReader
}

/** The course's labs in teaching order; any other lab folder (fixtures, new labs) follows alphabetically. */
export const COURSE_ORDER: readonly string[] = [
  'ha-setup',
  'monitoring-stack',
  'incident-simulation',
  'dr-test',
]

function courseRank(slug: string): number {
  const i = COURSE_ORDER.indexOf(slug)
  return i === -1 ? COURSE_ORDER.length : i
}

export function formatLabError(error: LabError): string {
  return `${error.file}: ${error.field}: ${error.message}`
}

/** Reads the Compose file only for its service names. */
export function readTopologyServices(topologyFile: string): TopologyServices {
  const document = parseDocument(readFileSync(/* turbopackIgnore: true */ topologyFile, 'utf8'))
  if (document.errors.length > 0)
    return { ok: false, issues: document.errors.map((e) => ({ path: '(yaml)', message: e.message })) }
  const services = (document.toJS() as { services?: Record<string, unknown> } | null)?.services
  return { ok: true, services: Object.keys(services ?? {}) }
}

/** Every lab under `labsDir`, keyed by slug in course order, and the problems of those skipped. */
export function loadLabDefinitions(labsDir: string, options: LoadLabOptions = {}): LabCatalog {
  const root = path.resolve(/* turbopackIgnore: true */ labsDir)
  const labs = new Map<string, LoadedLab>()
  const errors: LabError[] = []
  if (!existsSync(root)) {
    errors.push({ file: labsDir, field: '(folder)', message: 'labs folder not found (set LABS_DIR)' })
    return { labs, errors }
  }
  const loaded: LoadedLab[] = []
  for (const entry of readdirSync(/* turbopackIgnore: true */ root).sort()) {
    const file = path.join(/* turbopackIgnore: true */ root, entry, 'lab.yaml')
    if (!existsSync(/* turbopackIgnore: true */ file)) continue
    const result = loadLab(file, root, options)
    if (result.ok) loaded.push(result.lab)
    else errors.push(...result.errors)
  }
  loaded.sort(
    (a, b) =>
      courseRank(a.definition.slug) - courseRank(b.definition.slug) ||
      a.definition.slug.localeCompare(b.definition.slug),
  )
  for (const lab of loaded) labs.set(lab.definition.slug, lab)
  return { labs, errors }
}

type LoadResult = { ok: true; lab: LoadedLab } | { ok: false; errors: LabError[] }

export function loadLab(file: string, labsRoot: string, options: LoadLabOptions = {}): LoadResult {
  const shown = path.join(path.basename(labsRoot), path.relative(labsRoot, file))
  const dir = path.dirname(file)
  const fail = (field: string, message: string): LabError => ({ file: shown, field, message })

  const document = parseDocument(readFileSync(/* turbopackIgnore: true */ file, 'utf8'))
  if (document.errors.length > 0)
    return { ok: false, errors: document.errors.map((e) => fail('(yaml)', e.message)) }
  const parsed = labDefinitionSchema.safeParse(document.toJS())
  if (!parsed.success) {
    return { ok: false, errors: describeZodIssues(parsed.error.issues).map((i) => fail(i.path, i.message)) }
  }
  const lab = parsed.data
  const errors: LabError[] = []
  if (lab.slug !== path.basename(dir))
    errors.push(fail('slug', `"${lab.slug}" must match the folder name "${path.basename(dir)}"`))

  const requireFile = (field: string, relative: string) => {
    const absolute = path.resolve(/* turbopackIgnore: true */ dir, relative)
    if (!absolute.startsWith(labsRoot + path.sep))
      errors.push(fail(field, `file "${relative}" is outside the labs folder`))
    else if (
      !existsSync(/* turbopackIgnore: true */ absolute) ||
      !statSync(/* turbopackIgnore: true */ absolute).isFile()
    ) {
      errors.push(fail(field, `file "${relative}" not found`))
    }
  }
  requireFile('topology', lab.topology)
  lab.steps.forEach((step, i) => {
    requireFile(`steps[${i}].instructions`, step.instructions)
    requireFile(`steps[${i}].check.script`, step.check.script)
    requireFile(`steps[${i}].solve.script`, step.solve.script)
  })
  for (const hook of ['setup', 'cleanup'] as const) {
    const ref = lab.hooks[hook]
    if (ref) requireFile(`hooks.${hook}.script`, ref.script)
  }
  if (errors.length > 0) return { ok: false, errors }

  const topologyFile = path.resolve(/* turbopackIgnore: true */ dir, lab.topology)
  const justifiedCapabilities = lab.capabilities.map((c) => c.name)
  const topology = (options.readTopology ?? readTopologyServices)(
    topologyFile,
    labsRoot,
    justifiedCapabilities,
  )
  if (!topology.ok) {
    return {
      ok: false,
      errors: topology.issues.map((i) => fail(`topology (${lab.topology}) ${i.path}`, i.message)),
    }
  }
  const services = topology.services
  // Only a full topology reader (the runner's) knows which capabilities services add back.
  const capabilities = topology.capabilities ?? {}
  if (topology.capabilities) {
    lab.capabilities.forEach((c, i) => {
      if (!capabilities[c.name]) {
        errors.push(
          fail(
            `capabilities[${i}]`,
            `${c.name} is justified but no service of ${lab.topology} adds it; remove the entry`,
          ),
        )
      }
    })
  }
  const requireHost = (field: string, host: string | undefined) => {
    const name = host ?? DEFAULT_SCRIPT_HOST
    if (!services.includes(name)) {
      errors.push(
        fail(field, `host "${name}" is not a service of ${lab.topology} (services: ${services.join(', ')})`),
      )
    }
  }
  lab.shellHosts.forEach((host, i) => requireHost(`shellHosts[${i}]`, host))
  lab.editableFiles.forEach((f, i) => requireHost(`editableFiles[${i}].host`, f.host))
  lab.serviceTabs.forEach((t, i) => requireHost(`serviceTabs[${i}].host`, t.host))
  if (lab.dashboard) requireHost('dashboard.prometheus.host', lab.dashboard.prometheus.host)
  lab.steps.forEach((step, i) => {
    requireHost(`steps[${i}].check.host`, step.check.host)
    requireHost(`steps[${i}].solve.host`, step.solve.host)
  })
  for (const hook of ['setup', 'cleanup'] as const) {
    const ref = lab.hooks[hook]
    if (ref) requireHost(`hooks.${hook}.host`, ref.host)
  }
  if (errors.length > 0) return { ok: false, errors }
  return { ok: true, lab: { definition: lab, dir, topologyFile, services, capabilities } }
}

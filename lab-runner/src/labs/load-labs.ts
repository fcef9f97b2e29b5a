// Loads every `labs/*/lab.yaml`: schema, referenced files, and the topology (parsed with
// placeholder variables, so undefined ${VARS}, unknown hosts and bad depends_on show up here
// rather than when a learner presses Start). A broken lab is reported and skipped.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { parseDocument } from 'yaml'
import { DEFAULT_SCRIPT_HOST, describeZodIssues, labDefinitionSchema, type LabDefinition } from '../../../contracts/lab-definition.js'
import { declaredSecretNames, parseTopologyFile } from '../topology/parse-topology.js'
import { placeholderVariables } from '../sandboxes/sandbox-variables.js'

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

export function formatLabError(error: LabError): string {
  return `${error.file}: ${error.field}: ${error.message}`
}

export function loadLabs(labsDir: string): LabCatalog {
  const root = path.resolve(labsDir)
  const labs = new Map<string, LoadedLab>()
  const errors: LabError[] = []
  if (!existsSync(root)) {
    errors.push({ file: labsDir, field: '(folder)', message: 'labs folder not found (set LABS_DIR)' })
    return { labs, errors }
  }
  for (const entry of readdirSync(root).sort()) {
    const file = path.join(root, entry, 'lab.yaml')
    if (!existsSync(file)) continue
    const result = loadLab(file, root)
    if (result.ok) labs.set(result.lab.definition.slug, result.lab)
    else errors.push(...result.errors)
  }
  return { labs, errors }
}

type LoadResult = { ok: true; lab: LoadedLab } | { ok: false; errors: LabError[] }

export function loadLab(file: string, labsRoot: string): LoadResult {
  const shown = path.join(path.basename(labsRoot), path.relative(labsRoot, file))
  const dir = path.dirname(file)
  const fail = (field: string, message: string): LabError => ({ file: shown, field, message })

  const document = parseDocument(readFileSync(file, 'utf8'))
  if (document.errors.length > 0) return { ok: false, errors: document.errors.map((e) => fail('(yaml)', e.message)) }
  const parsed = labDefinitionSchema.safeParse(document.toJS())
  if (!parsed.success) {
    return { ok: false, errors: describeZodIssues(parsed.error.issues).map((i) => fail(i.path, i.message)) }
  }
  const lab = parsed.data
  const errors: LabError[] = []
  if (lab.slug !== path.basename(dir)) errors.push(fail('slug', `"${lab.slug}" must match the folder name "${path.basename(dir)}"`))

  const requireFile = (field: string, relative: string) => {
    const absolute = path.resolve(dir, relative)
    if (!absolute.startsWith(labsRoot + path.sep)) errors.push(fail(field, `file "${relative}" is outside the labs folder`))
    else if (!existsSync(absolute) || !statSync(absolute).isFile()) errors.push(fail(field, `file "${relative}" not found`))
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

  // The topology, with placeholders for the per-sandbox variables.
  const topologyFile = path.resolve(dir, lab.topology)
  const secrets = declaredSecretNames(readFileSync(topologyFile, 'utf8'))
  const justifiedCapabilities = lab.capabilities.map((c) => c.name)
  const topology = parseTopologyFile(topologyFile, { bindRoot: labsRoot, variables: placeholderVariables(secrets), justifiedCapabilities })
  if (!topology.ok) {
    return { ok: false, errors: topology.issues.map((i) => fail(`topology (${lab.topology}) ${i.path}`, i.message)) }
  }
  const services = topology.topology.services.map((s) => s.name)
  const capabilities: Record<string, string[]> = {}
  for (const service of topology.topology.services) {
    for (const capability of service.capAdd) (capabilities[capability] ??= []).push(service.name)
  }
  lab.capabilities.forEach((c, i) => {
    if (!capabilities[c.name]) errors.push(fail(`capabilities[${i}]`, `${c.name} is justified but no service of ${lab.topology} adds it; remove the entry`))
  })
  const requireHost = (field: string, host: string | undefined) => {
    const name = host ?? DEFAULT_SCRIPT_HOST
    if (!services.includes(name)) {
      errors.push(fail(field, `host "${name}" is not a service of ${lab.topology} (services: ${services.join(', ')})`))
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

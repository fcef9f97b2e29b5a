import 'server-only'
// Lab definitions for the web app: `<LABS_DIR>/*/lab.yaml`, validated with the shared schema
// (contracts/lab-definition.ts). The runner's loader does deeper checks (every referenced
// file, the whole topology) and skips a lab that fails them; `npm run labs:validate` shows
// those. (Its modules import each other as `./x.js`, which the web bundler does not map to
// `.ts`, so the web app cannot bundle it.)
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { describeZodIssues, labDefinitionSchema } from '@/contracts/lab-definition'
import { webConfig } from '@/server/config'

export interface LabInfo {
  slug: string
  title: string
  summary: string
  /** Absolute path of the lab folder. */
  dir: string
  /** Topology services, in start order. */
  services: string[]
  shellHosts: string[]
  /** Per-learner data: the sandbox seed comes from the learner (server/labs/variant-seed.ts). */
  variantSeed: boolean
  editableFiles: Array<{ host: string; path: string; language: string }>
  serviceTabs: Array<{ label: string; host: string; port: number; path: string }>
  /** The in-app dashboard (a panels file run against the sandbox's Prometheus), if the lab has one. */
  dashboard: { file: { host: string; path: string }; prometheus: { host: string; port: number } } | null
  limits: {
    timeLimitMinutes: number
    idleTimeoutMinutes: number
    extensionMinutes: number
    maxExtensions: number
  }
  steps: Array<{
    id: string
    title: string
    points: number
    /** Absolute path of the step's MDX instructions. */
    instructionsFile: string
    hints: Array<{ afterAttempts: number; text: string }>
    /** Steps whose check must pass in the current sandbox before this step's check runs. */
    requires: string[]
  }>
  totalPoints: number
}

let cached: Promise<Map<string, LabInfo>> | undefined

type Loaded = { ok: true; lab: LabInfo } | { ok: false; problems: string[] }

function loadLab(dir: string): Loaded {
  const file = path.join(dir, 'lab.yaml')
  let raw: unknown
  try {
    raw = parse(readFileSync(file, 'utf8'))
  } catch (error) {
    return { ok: false, problems: [`${file}: not valid YAML: ${(error as Error).message}`] }
  }
  const parsed = labDefinitionSchema.safeParse(raw)
  if (!parsed.success) {
    return {
      ok: false,
      problems: describeZodIssues(parsed.error.issues).map((i) => `${file}: ${i.path}: ${i.message}`),
    }
  }
  const d = parsed.data
  if (d.slug !== path.basename(dir))
    return { ok: false, problems: [`${file}: slug: "${d.slug}" must match the folder name`] }
  const missing = [d.topology, ...d.steps.map((s) => s.instructions)].filter(
    (f) => !existsSync(path.resolve(dir, f)),
  )
  if (missing.length > 0) return { ok: false, problems: missing.map((f) => `${file}: file "${f}" not found`) }
  let services: string[]
  try {
    const topology = parse(readFileSync(path.resolve(dir, d.topology), 'utf8')) as {
      services?: Record<string, unknown>
    }
    services = Object.keys(topology.services ?? {})
  } catch (error) {
    return {
      ok: false,
      problems: [`${file}: topology ${d.topology} is not valid YAML: ${(error as Error).message}`],
    }
  }
  return {
    ok: true,
    lab: {
      slug: d.slug,
      title: d.title,
      summary: d.summary,
      dir,
      services,
      shellHosts: d.shellHosts,
      variantSeed: d.variantSeed,
      editableFiles: d.editableFiles,
      serviceTabs: d.serviceTabs,
      dashboard: d.dashboard ?? null,
      limits: d.limits,
      steps: d.steps.map((s) => ({
        id: s.id,
        title: s.title,
        points: s.points,
        instructionsFile: path.resolve(dir, s.instructions),
        hints: s.hints,
        requires: s.requires,
      })),
      totalPoints: d.steps.reduce((sum, s) => sum + s.points, 0),
    },
  }
}

async function catalog(): Promise<Map<string, LabInfo>> {
  const fresh = webConfig().NODE_ENV === 'development'
  if (!cached || fresh) {
    cached = (async () => {
      const root = path.resolve(webConfig().LABS_DIR)
      const labs = new Map<string, LabInfo>()
      if (!existsSync(root)) {
        console.warn(`labs folder ${root} not found (set LABS_DIR)`)
        return labs
      }
      for (const entry of readdirSync(root).sort()) {
        const dir = path.join(root, entry)
        if (!existsSync(path.join(dir, 'lab.yaml'))) continue
        const loaded = loadLab(dir)
        // A broken lab is skipped (the runner skips it too); its authors see why in the log.
        if (loaded.ok) labs.set(loaded.lab.slug, loaded.lab)
        else for (const problem of loaded.problems) console.warn(`lab skipped: ${problem}`)
      }
      return labs
    })()
  }
  return cached
}

/** The course's order; other labs (test fixtures, new labs) follow alphabetically. */
const COURSE_ORDER = ['ha-setup', 'monitoring-stack', 'incident-simulation', 'dr-test']
const rank = (slug: string) => {
  const i = COURSE_ORDER.indexOf(slug)
  return i === -1 ? COURSE_ORDER.length : i
}

export async function listLabs(): Promise<LabInfo[]> {
  return [...(await catalog()).values()].sort(
    (a, b) => rank(a.slug) - rank(b.slug) || a.slug.localeCompare(b.slug),
  )
}

export async function getLab(slug: string): Promise<LabInfo | undefined> {
  return (await catalog()).get(slug)
}

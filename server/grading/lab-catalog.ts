import 'server-only'
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { parse } from 'yaml'
import { describeZodIssues, labDefinitionSchema } from '@/contracts/lab-definition'
import { webConfig } from '@/server/config'

/** What grading needs from a lab: its steps and their points (not scripts or topology). */
export interface GradedLab {
  slug: string
  title: string
  steps: { id: string; title: string; points: number }[]
  totalPoints: number
}

export interface LabCatalogResult {
  labs: GradedLab[]
  /** Labs that failed validation are left out of grading; `npm run labs:validate` names the fix. */
  problems: string[]
}

// The course's labs in teaching order; any other lab folder follows alphabetically.
const COURSE_ORDER = ['ha-setup', 'monitoring-stack', 'incident-simulation', 'dr-test']

/** `LABS_DIR` (default `labs/`), the same folder the lab pages and the runner read. */
export function defaultLabsRoot(): string {
  // The ignore marker keeps the bundler from tracing (and shipping) the whole project
  // because of this run-time path.
  return path.resolve(/* turbopackIgnore: true */ webConfig().LABS_DIR)
}

/**
 * Reads every `labs/<slug>/lab.yaml` with the shared contract schema. The web app never
 * imports the runner (or Docker); it only needs the definitions to grade against.
 */
export async function readLabCatalog(labsRoot = defaultLabsRoot()): Promise<LabCatalogResult> {
  const entries = await readdir(/* turbopackIgnore: true */ labsRoot, { withFileTypes: true }).catch(() => [])
  const labs: GradedLab[] = []
  const problems: string[] = []
  for (const entry of entries.filter((e) => e.isDirectory()).map((e) => e.name).sort()) {
    const file = path.join(/* turbopackIgnore: true */ labsRoot, entry, 'lab.yaml')
    const shown = `${path.basename(labsRoot)}/${entry}/lab.yaml`
    const text = await readFile(file, 'utf8').catch(() => undefined)
    if (text === undefined) continue
    let raw: unknown
    try {
      raw = parse(text)
    } catch (e) {
      problems.push(`${shown}: not valid YAML (${e instanceof Error ? e.message : String(e)})`)
      continue
    }
    const result = labDefinitionSchema.safeParse(raw)
    if (!result.success) {
      for (const issue of describeZodIssues(result.error.issues)) problems.push(`${shown}: ${issue.path}: ${issue.message}`)
      continue
    }
    const steps = result.data.steps.map((s) => ({ id: s.id, title: s.title, points: s.points }))
    labs.push({ slug: result.data.slug, title: result.data.title, steps, totalPoints: steps.reduce((n, s) => n + s.points, 0) })
  }
  const rank = (slug: string) => {
    const i = COURSE_ORDER.indexOf(slug)
    return i === -1 ? COURSE_ORDER.length : i
  }
  labs.sort((a, b) => rank(a.slug) - rank(b.slug) || a.slug.localeCompare(b.slug))
  return { labs, problems }
}

let cached: { at: number; value: Promise<LabCatalogResult> } | undefined

/** The catalog, re-read at most every 30 s (labs are added while the platform runs). */
export function getLabCatalog(): Promise<LabCatalogResult> {
  if (!cached || Date.now() - cached.at > 30_000) cached = { at: Date.now(), value: readLabCatalog() }
  return cached.value
}

import 'server-only'
// Lab definitions as the web app's pages and lab sessions read them, from the one shared
// loader (contracts/load-lab-definitions.ts, cached in ./lab-definitions.ts).
import path from 'node:path'
import type { LoadedLab } from '@/contracts/load-lab-definitions'
import { getLabDefinitions } from './lab-definitions'

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

/** The web app's shape of a loaded lab: what the pages, sessions and checks read. */
export function toLabInfo({ definition: d, dir, services }: LoadedLab): LabInfo {
  return {
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
      instructionsFile: path.resolve(/* turbopackIgnore: true */ dir, s.instructions),
      hints: s.hints,
      requires: s.requires,
    })),
    totalPoints: d.steps.reduce((sum, s) => sum + s.points, 0),
  }
}

/** Every lab in course order (contracts/load-lab-definitions.ts). */
export async function listLabs(): Promise<LabInfo[]> {
  return [...getLabDefinitions().labs.values()].map(toLabInfo)
}

export async function getLab(slug: string): Promise<LabInfo | undefined> {
  const lab = getLabDefinitions().labs.get(slug)
  return lab && toLabInfo(lab)
}

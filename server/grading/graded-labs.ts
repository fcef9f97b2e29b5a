import 'server-only'
import { formatLabError, loadLabDefinitions, type LabCatalog } from '@/contracts/load-lab-definitions'
import { getLabDefinitions, labsRoot as defaultLabsRoot } from '@/server/labs/lab-definitions'

/** What grading needs from a lab: its steps and their points (not scripts or topology). */
export interface GradedLab {
  slug: string
  title: string
  steps: { id: string; title: string; points: number }[]
  totalPoints: number
}

export interface GradedLabs {
  /** In course order. */
  labs: GradedLab[]
  /** Labs that failed validation are left out of grading; `npm run labs:validate` names the fix. */
  problems: string[]
}

function toGradedLabs(catalog: LabCatalog): GradedLabs {
  const labs = [...catalog.labs.values()].map(({ definition: d }) => {
    const steps = d.steps.map((s) => ({ id: s.id, title: s.title, points: s.points }))
    return { slug: d.slug, title: d.title, steps, totalPoints: steps.reduce((n, s) => n + s.points, 0) }
  })
  return { labs, problems: catalog.errors.map(formatLabError) }
}

/** The labs of `labsRoot` (default `LABS_DIR`), read now, past the cache (tests and tools). */
export async function readGradedLabs(labsRoot = defaultLabsRoot()): Promise<GradedLabs> {
  return toGradedLabs(loadLabDefinitions(labsRoot))
}

/** The labs of `LABS_DIR`, from the web app's one cache (server/labs/lab-definitions.ts). */
export async function getGradedLabs(): Promise<GradedLabs> {
  return toGradedLabs(getLabDefinitions())
}

import 'server-only'
// The web app's view of `LABS_DIR`, read with the one shared loader
// (contracts/load-lab-definitions.ts) and cached once for the lab pages and grading alike.
// Cached for the life of the process, like the runner, which loads its labs once at start: a
// lab added later cannot be started until the runner restarts, so the pages would only offer
// a lab that fails. In development the folder is re-read on every call, so authors see edits.
import path from 'node:path'
import { formatLabError, loadLabDefinitions, type LabCatalog } from '@/contracts/load-lab-definitions'
import { webConfig } from '@/server/config'

/** `LABS_DIR` (default `labs/`), the same folder the runner reads. */
export function labsRoot(): string {
  // The ignore marker keeps the bundler from tracing (and shipping) the whole project
  // because of this run-time path.
  return path.resolve(/* turbopackIgnore: true */ webConfig().LABS_DIR)
}

let cached: LabCatalog | undefined

export function getLabDefinitions(): LabCatalog {
  if (cached && webConfig().NODE_ENV !== 'development') return cached
  cached = loadLabDefinitions(labsRoot())
  // A broken lab is skipped (the runner skips it too); its authors see why in the log.
  for (const error of cached.errors) console.warn(`lab skipped: ${formatLabError(error)}`)
  return cached
}

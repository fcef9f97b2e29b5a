// The ready sandbox a lab route acts on, and its lab; every such call counts as learner activity.
import type { LoadedLab } from '../../../contracts/load-lab-definitions'
import type { SandboxRef, SandboxRegistry } from '../sandboxes/sandbox-registry'
import { HttpError } from './http-error'
import type { RouteContext } from './router'
import { notFound } from './sandbox-routes'

export function readySandbox(
  registry: SandboxRegistry,
  ctx: RouteContext,
): { sandbox: SandboxRef; lab: LoadedLab } {
  const id = ctx.params['id'] ?? ''
  const sandbox = registry.getSandbox(id)
  if (!sandbox) {
    const known = registry.list().some((s) => s.id === id)
    if (known)
      throw new HttpError(409, 'not-ready', `sandbox "${id}" is not ready (still provisioning, or it failed)`)
    throw notFound(id)
  }
  const lab = registry.lab(sandbox.labSlug)
  if (!lab) throw new HttpError(404, 'unknown-lab', `lab "${sandbox.labSlug}" is no longer loaded`)
  registry.touch(id)
  return { sandbox, lab }
}

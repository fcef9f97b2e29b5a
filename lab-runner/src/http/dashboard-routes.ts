// GET /v1/sandboxes/:id/dashboard?range=<seconds>: the lab's in-app dashboard (the learner's
// PromQL panels run against their sandbox's Prometheus). The work is in dashboard/; this route
// checks the sandbox and the lab and maps the result to HTTP. Per-panel failures and a missing
// or malformed panels file are results (200), not request failures.
import { dashboardQuerySchema } from '../../../contracts/dashboard'
import { runDashboard } from '../dashboard/run-dashboard'
import type { SandboxRegistry } from '../sandboxes/sandbox-registry'
import { HttpError } from './http-error'
import type { Router } from './router'
import { readySandbox } from './ready-sandbox'

export interface DashboardRouteDeps {
  /** Its engine reaches the sandbox's files and its Prometheus. */
  registry: SandboxRegistry
}

export function addDashboardRoutes(router: Router, deps: DashboardRouteDeps): void {
  const { registry } = deps

  router.add('GET', '/v1/sandboxes/:id/dashboard', async (ctx) => {
    const { sandbox, lab } = readySandbox(registry, ctx)
    const { dashboard, editableFiles, slug } = lab.definition
    if (!dashboard)
      throw new HttpError(
        404,
        'no-dashboard',
        `lab "${slug}" has no dashboard (no dashboard section in its lab.yaml)`,
      )
    const { range } = ctx.queryAs(dashboardQuerySchema)
    return {
      status: 200,
      body: await runDashboard({
        docker: registry.engine.containers,
        reach: registry.engine.reach,
        sandbox,
        dashboard,
        editableFiles,
        rangeS: range,
      }),
    }
  })
}

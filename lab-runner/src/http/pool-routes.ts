// Warm pool routes (service token): the web app pushes its desired state and reads the pools.
import { configurePoolsRequestSchema, poolPlanQuerySchema } from '../../../contracts/runner-api'
import type { WarmPools } from '../sandboxes/warm-pools'
import { HttpError } from './http-error'
import type { Router } from './router'

export function addPoolRoutes(router: Router, pools: WarmPools): void {
  router.add('GET', '/v1/pools', async () => ({ status: 200, body: pools.status() }))

  router.add('PUT', '/v1/pools', async (ctx) => {
    pools.configure(await ctx.body(configurePoolsRequestSchema))
    return { status: 200, body: pools.status() }
  })

  router.add('GET', '/v1/pools/plan', async (ctx) => {
    const { labSlug, seats } = ctx.queryAs(poolPlanQuerySchema)
    const plan = pools.plan(labSlug, seats)
    if (!plan) throw new HttpError(404, 'unknown-lab', `no lab "${labSlug}" is loaded`)
    return { status: 200, body: { plan } }
  })
}

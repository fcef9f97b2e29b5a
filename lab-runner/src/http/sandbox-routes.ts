// REST routes of the sandbox lifecycle (service token required; see runner-server.ts).
import {
  createSandboxRequestSchema,
  listSandboxesQuerySchema,
  type CreateSandboxResponse,
  type SandboxStatus,
} from '../../../contracts/runner-api'
import type { ActionOutcome, SandboxRegistry } from '../sandboxes/sandbox-registry'
import { HttpError, statusForCode } from './http-error'
import { readySandbox } from './ready-sandbox'
import type { Router } from './router'

/** Read-only terminal sessions open on a sandbox (the terminal server counts them). */
export type ViewerCount = (sandboxId: string) => number

export function addSandboxRoutes(router: Router, registry: SandboxRegistry, viewersOf: ViewerCount): void {
  router.add('POST', '/v1/sandboxes', async (ctx) => {
    const outcome = await registry.create(await ctx.body(createSandboxRequestSchema))
    if (outcome.status === 'error')
      throw new HttpError(statusForCode[outcome.code] ?? 500, outcome.code, outcome.message)
    const body: CreateSandboxResponse = outcome
    return { status: outcome.status === 'queued' ? 202 : 200, body }
  })

  router.add('GET', '/v1/sandboxes', async (ctx) => {
    const { userId } = ctx.queryAs(listSandboxesQuerySchema)
    return { status: 200, body: { sandboxes: registry.list(userId) } }
  })

  router.add('GET', '/v1/sandboxes/:id', async (ctx) => {
    const status = await registry.status(ctx.params['id'] ?? '')
    if (!status) throw notFound(ctx.params['id'])
    const sandbox: SandboxStatus = { ...status, viewers: viewersOf(status.id) }
    return { status: 200, body: { sandbox } }
  })

  // "Keep my lab": the learner answers the idle warning; like any lab call, it is activity.
  router.add('POST', '/v1/sandboxes/:id/activity', async (ctx) => {
    const { sandbox: ref } = readySandbox(registry, ctx)
    const status = await registry.status(ref.id)
    if (!status) throw notFound(ref.id)
    const sandbox: SandboxStatus = { ...status, viewers: viewersOf(status.id) }
    return { status: 200, body: { sandbox } }
  })
  router.add('POST', '/v1/sandboxes/:id/extend', async (ctx) =>
    actionReply(await registry.extend(ctx.params['id'] ?? '')),
  )
  router.add('POST', '/v1/sandboxes/:id/reset', async (ctx) =>
    actionReply(await registry.reset(ctx.params['id'] ?? ''), 202),
  )
  router.add('DELETE', '/v1/sandboxes/:id', async (ctx) =>
    actionReply(await registry.delete(ctx.params['id'] ?? '')),
  )
}

function actionReply(outcome: ActionOutcome, okStatus = 200): { status: number; body: unknown } {
  if (!outcome.ok) throw new HttpError(statusForCode[outcome.code] ?? 500, outcome.code, outcome.message)
  return { status: okStatus, body: { sandbox: outcome.sandbox } }
}

export function notFound(id: string | undefined): HttpError {
  return new HttpError(404, 'not-found', `no sandbox "${id ?? ''}" (it may have expired or been deleted)`)
}

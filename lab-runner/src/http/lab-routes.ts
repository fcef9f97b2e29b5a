// REST routes that act inside a ready sandbox: terminal tickets, editor files, step checks
// and solves. The work itself is done in terminal/, files/ and exec/ (the exec layer);
// these routes check the request against the lab definition and map results to HTTP.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import type { Histogram } from 'prom-client'
import { z } from 'zod'
import {
  faultRequestSchema,
  fileQuerySchema,
  fileWriteRequestSchema,
  ticketRequestSchema,
  type FaultRequest,
} from '../../../contracts/runner-api'
import type { SandboxEngine } from '../engine/sandbox-engine'
import { findSandboxHost } from '../exec/sandbox-host'
import { runScript } from '../exec/run-script'
import {
  isolateHost,
  killService,
  pauseService,
  restartService,
  restoreHost,
  stopService,
  unpauseService,
  type FaultResult,
  type FaultTarget,
} from '../faults/service-faults'
import {
  listEditableFiles,
  readSandboxFile,
  writeSandboxFile,
  type FileRefusal,
} from '../files/sandbox-files'
import type { SandboxRegistry } from '../sandboxes/sandbox-registry'
import type { TicketStore } from '../terminal/tickets'
import { HttpError } from './http-error'
import type { RouteContext, Router } from './router'
import { readySandbox } from './ready-sandbox'

export interface LabRouteDeps {
  engine: SandboxEngine
  registry: SandboxRegistry
  tickets: TicketStore
  checkSeconds: Histogram
}

const fileListQuerySchema = z.strictObject({ host: fileQuerySchema.shape.host })

export function addLabRoutes(router: Router, deps: LabRouteDeps): void {
  const { engine, registry, tickets } = deps
  const docker = engine.containers

  const target = (ctx: RouteContext) => readySandbox(registry, ctx)

  router.add('POST', '/v1/sandboxes/:id/tickets', async (ctx) => {
    const { sandbox, lab } = target(ctx)
    const request = await ctx.body(ticketRequestSchema)
    if (!lab.definition.shellHosts.includes(request.host)) {
      throw new HttpError(
        403,
        'host-not-allowed',
        `"${request.host}" is not a shell host of lab "${lab.definition.slug}" (shell hosts: ${lab.definition.shellHosts.join(', ')})`,
      )
    }
    const { ticket, expiresAt } = tickets.mint({ ...request, sandboxId: sandbox.id })
    return { status: 201, body: { ticket, expiresAt: expiresAt.toISOString() } }
  })

  router.add('GET', '/v1/sandboxes/:id/files', async (ctx) => {
    const { sandbox, lab } = target(ctx)
    const rules = lab.definition.editableFiles
    if (!ctx.query.has('path')) {
      const { host } = ctx.queryAs(fileListQuerySchema)
      return fileReply(await listEditableFiles({ docker, sandbox, host, editableFiles: rules }))
    }
    const { host, path: filePath } = ctx.queryAs(fileQuerySchema)
    return fileReply(await readSandboxFile({ docker, sandbox, host, path: filePath, editableFiles: rules }))
  })

  router.add('PUT', '/v1/sandboxes/:id/files', async (ctx) => {
    const { sandbox, lab } = target(ctx)
    const { host, path: filePath } = ctx.queryAs(fileQuerySchema)
    const { content } = await ctx.body(fileWriteRequestSchema)
    return fileReply(
      await writeSandboxFile({
        docker,
        sandbox,
        host,
        path: filePath,
        content,
        editableFiles: lab.definition.editableFiles,
      }),
    )
  })

  const stepScript = (kind: 'check' | 'solve') => async (ctx: RouteContext) => {
    const { sandbox, lab } = target(ctx)
    const step = lab.definition.steps.find((s) => s.id === ctx.params['stepId'])
    if (!step)
      throw new HttpError(
        404,
        'not-found',
        `lab "${lab.definition.slug}" has no step "${ctx.params['stepId'] ?? ''}"`,
      )
    const spec = kind === 'check' ? step.check : { ...step.solve, timeoutS: 120 }
    const result = await runScript({
      docker,
      sandbox,
      host: spec.host,
      script: readFileSync(path.resolve(lab.dir, spec.script), 'utf8'),
      timeoutS: spec.timeoutS,
      env: registry.scriptEnv(sandbox.id),
    })
    if (kind === 'check') deps.checkSeconds.observe(result.durationMs / 1000)
    if (result.error?.code === 'host-unknown') throw new HttpError(404, 'host-unknown', result.error.message)
    return { status: 200, body: { stepId: step.id, result } }
  }
  router.add('POST', '/v1/sandboxes/:id/faults', async (ctx) => {
    const { sandbox, lab } = target(ctx)
    const { action, host } = await ctx.body(faultRequestSchema)
    if (!lab.services.includes(host))
      throw new HttpError(404, 'host-unknown', `lab "${lab.definition.slug}" has no service "${host}"`)
    // Faults act on the engine running the host (its network endpoints live there).
    const containerId = findSandboxHost(sandbox, host)?.containerId
    const result = await faultActions[action]({
      docker: containerId ? engine.engineFor(containerId) : engine.control,
      sandbox,
      host,
    })
    // A restored or restarted host may come back with another IP.
    if (result.status === 'done' && result.changed) await registry.refreshHosts(sandbox.id)
    if (result.status === 'refused') {
      throw new HttpError(
        result.code === 'host-unknown' ? 404 : result.code === 'engine-error' ? 502 : 409,
        result.code,
        result.message,
      )
    }
    return { status: 200, body: { result } }
  })

  router.add('POST', '/v1/sandboxes/:id/steps/:stepId/check', stepScript('check'))
  router.add('POST', '/v1/sandboxes/:id/steps/:stepId/solve', stepScript('solve'))
}

const faultActions: Record<FaultRequest['action'], (target: FaultTarget) => Promise<FaultResult>> = {
  stop: stopService,
  kill: killService,
  pause: pauseService,
  unpause: unpauseService,
  restart: restartService,
  isolate: isolateHost,
  restore: restoreHost,
}

const fileStatus: Record<FileRefusal['code'], number> = {
  'path-invalid': 400,
  'path-not-editable': 403,
  'host-unknown': 404,
  'not-found': 404,
  'not-a-file': 400,
  'too-large': 413,
  'not-text': 415,
  'permission-denied': 403,
  'changed-during-write': 409,
  'exec-failed': 502,
}

function fileReply<T extends { status: string }>(result: T | FileRefusal): { status: number; body: unknown } {
  if (result.status === 'refused') {
    const refusal = result as FileRefusal
    throw new HttpError(fileStatus[refusal.code], refusal.code, refusal.message)
  }
  return { status: 200, body: result }
}

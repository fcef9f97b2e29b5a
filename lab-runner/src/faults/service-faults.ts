// Fault injection for labs ("the primary just died — fail over"): stop, kill, pause,
// unpause and restart one service's container, and cut a host off the sandbox network.
// Each call returns a typed result; an action that finds the container already in the
// wanted state is a success with `changed: false`, not an error.
import type Docker from 'dockerode'
import { dockerErrorMessage } from '../exec/container-exec'
import { findSandboxHost, unknownHostMessage, type SandboxHostsView } from '../exec/sandbox-host'

export type FaultAction = 'stop' | 'kill' | 'pause' | 'unpause' | 'restart' | 'isolate' | 'restore'

export type FaultResult =
  | {
      status: 'done'
      action: FaultAction
      host: string
      changed: boolean
      state: ContainerStateName
      ip?: string
    }
  | {
      status: 'refused'
      action: FaultAction
      host: string
      code: 'host-unknown' | 'invalid-state' | 'no-network' | 'engine-error'
      message: string
    }

export type ContainerStateName =
  'running' | 'paused' | 'exited' | 'created' | 'restarting' | 'removing' | 'dead' | 'unknown'

export interface FaultTarget {
  docker: Docker
  sandbox: SandboxHostsView
  host: string
}

/** The label the sandbox registry puts on a sandbox's network(s) (lab-runner/src/sandboxes/labels.ts). */
const SANDBOX_LABEL = 'academy.sandbox'

type Context = {
  container: Docker.Container
  state: ContainerStateName
  networks: Record<string, { NetworkID: string }>
}

async function withContainer(
  target: FaultTarget,
  action: FaultAction,
  body: (ctx: Context) => Promise<FaultResult>,
): Promise<FaultResult> {
  const host = findSandboxHost(target.sandbox, target.host)
  if (host === undefined) {
    return {
      status: 'refused',
      action,
      host: target.host,
      code: 'host-unknown',
      message: unknownHostMessage(target.sandbox, target.host),
    }
  }
  try {
    const container = target.docker.getContainer(host.containerId)
    const info = await container.inspect()
    return await body({
      container,
      state: stateName(info.State.Status),
      networks: info.NetworkSettings.Networks,
    })
  } catch (error) {
    return {
      status: 'refused',
      action,
      host: target.host,
      code: 'engine-error',
      message: `${action} of "${target.host}" failed: ${dockerErrorMessage(error)}`,
    }
  }
}

function stateName(status: string): ContainerStateName {
  const known: ContainerStateName[] = [
    'running',
    'paused',
    'exited',
    'created',
    'restarting',
    'removing',
    'dead',
  ]
  return known.find((name) => name === status) ?? 'unknown'
}

async function currentState(container: Docker.Container): Promise<ContainerStateName> {
  return stateName((await container.inspect()).State.Status)
}

const done = async (
  target: FaultTarget,
  action: FaultAction,
  ctx: Context,
  changed: boolean,
): Promise<FaultResult> => ({
  status: 'done',
  action,
  host: target.host,
  changed,
  state: await currentState(ctx.container),
})

const invalidState = (
  target: FaultTarget,
  action: FaultAction,
  state: ContainerStateName,
  why: string,
): FaultResult => ({
  status: 'refused',
  action,
  host: target.host,
  code: 'invalid-state',
  message: `cannot ${action} "${target.host}": it is ${state}; ${why}`,
})

/** Graceful stop (SIGTERM, then SIGKILL after `timeoutS`). */
export function stopService(target: FaultTarget & { timeoutS?: number }): Promise<FaultResult> {
  return withContainer(target, 'stop', async (ctx) => {
    if (ctx.state === 'exited' || ctx.state === 'created' || ctx.state === 'dead')
      return done(target, 'stop', ctx, false)
    if (ctx.state === 'paused') await ctx.container.unpause()
    await ctx.container.stop({ t: target.timeoutS ?? 10 })
    return done(target, 'stop', ctx, true)
  })
}

/** Sends a signal (default SIGKILL: the crash case) to the service's main process. */
export function killService(target: FaultTarget & { signal?: string }): Promise<FaultResult> {
  return withContainer(target, 'kill', async (ctx) => {
    if (ctx.state !== 'running')
      return invalidState(target, 'kill', ctx.state, 'only a running service can be killed')
    await ctx.container.kill({ signal: target.signal ?? 'SIGKILL' })
    return done(target, 'kill', ctx, true)
  })
}

/** Freezes every process of the service (a hung, not dead, node). */
export function pauseService(target: FaultTarget): Promise<FaultResult> {
  return withContainer(target, 'pause', async (ctx) => {
    if (ctx.state === 'paused') return done(target, 'pause', ctx, false)
    if (ctx.state !== 'running')
      return invalidState(target, 'pause', ctx.state, 'only a running service can be paused')
    await ctx.container.pause()
    return done(target, 'pause', ctx, true)
  })
}

export function unpauseService(target: FaultTarget): Promise<FaultResult> {
  return withContainer(target, 'unpause', async (ctx) => {
    if (ctx.state !== 'paused') return done(target, 'unpause', ctx, false)
    await ctx.container.unpause()
    return done(target, 'unpause', ctx, true)
  })
}

/** Restarts the service; also starts one that was stopped or killed. */
export function restartService(target: FaultTarget & { timeoutS?: number }): Promise<FaultResult> {
  return withContainer(target, 'restart', async (ctx) => {
    if (ctx.state === 'paused') await ctx.container.unpause()
    await ctx.container.restart({ t: target.timeoutS ?? 10 })
    return done(target, 'restart', ctx, true)
  })
}

async function sandboxNetworkIds(target: FaultTarget): Promise<string[]> {
  const networks = await target.docker.listNetworks({
    filters: { label: [`${SANDBOX_LABEL}=${target.sandbox.id}`] },
  })
  return networks.map((network) => network.Id)
}

/** Disconnects the host from every network of its sandbox: it keeps running but nobody can reach it. */
export function isolateHost(target: FaultTarget): Promise<FaultResult> {
  return withContainer(target, 'isolate', async (ctx) => {
    const networkIds = await sandboxNetworkIds(target)
    if (networkIds.length === 0) {
      return {
        status: 'refused',
        action: 'isolate',
        host: target.host,
        code: 'no-network',
        message: `sandbox ${target.sandbox.id} has no network labelled ${SANDBOX_LABEL}=${target.sandbox.id}`,
      }
    }
    const attached = new Set(Object.values(ctx.networks).map((endpoint) => endpoint.NetworkID))
    let changed = false
    for (const id of networkIds) {
      if (!attached.has(id)) continue
      await target.docker.getNetwork(id).disconnect({ Container: ctx.container.id, Force: true })
      changed = true
    }
    return done(target, 'isolate', ctx, changed)
  })
}

/**
 * Reconnects an isolated host under its service name (the DNS alias the other services use),
 * asking for its previous IP so addresses the runner remembers stay valid. Docker only honours
 * a fixed IP on networks with an explicit subnet; elsewhere it picks one, returned as `ip`.
 */
export function restoreHost(target: FaultTarget): Promise<FaultResult> {
  return withContainer(target, 'restore', async (ctx) => {
    const networkIds = await sandboxNetworkIds(target)
    if (networkIds.length === 0) {
      return {
        status: 'refused',
        action: 'restore',
        host: target.host,
        code: 'no-network',
        message: `sandbox ${target.sandbox.id} has no network labelled ${SANDBOX_LABEL}=${target.sandbox.id}`,
      }
    }
    const attached = new Set(Object.values(ctx.networks).map((endpoint) => endpoint.NetworkID))
    const previousIp = findSandboxHost(target.sandbox, target.host)?.ip
    let changed = false
    for (const id of networkIds) {
      if (attached.has(id)) continue
      const network = target.docker.getNetwork(id)
      const endpoint = { Aliases: [target.host] }
      try {
        await network.connect({
          Container: ctx.container.id,
          EndpointConfig: previousIp ? { ...endpoint, IPAMConfig: { IPv4Address: previousIp } } : endpoint,
        })
      } catch {
        await network.connect({ Container: ctx.container.id, EndpointConfig: endpoint })
      }
      changed = true
    }
    const info = await ctx.container.inspect()
    const ip = networkIds
      .map((id) => Object.values(info.NetworkSettings.Networks).find((n) => n.NetworkID === id)?.IPAddress)
      .find(Boolean)
    return {
      status: 'done',
      action: 'restore',
      host: target.host,
      changed,
      state: stateName(info.State.Status),
      ...(ip ? { ip } : {}),
    }
  })
}

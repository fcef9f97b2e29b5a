// Entry point: `tsx lab-runner/src/main.ts`. Reads config, loads labs, re-adopts sandboxes,
// serves REST + terminals. On SIGTERM/SIGINT it stops accepting and closes sockets; the
// sandboxes stay up so the next runner re-adopts them.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import Docker from 'dockerode'
import { loadConfig, type EngineConfig } from './config'
import { dockerEngine } from './engine/docker-engine'
import type { SandboxEngine } from './engine/sandbox-engine'
import { dockerFromUrl } from './engine/swarm/node-engines'
import { swarmEngine } from './engine/swarm/swarm-engine'
import { createRunnerServer } from './http/runner-server'
import { formatLabError, loadLabDefinitions } from '../../contracts/load-lab-definitions'
import { runnerLabOptions } from './labs/read-lab-topology'
import { createJsonLogger } from './log'
import { adoptWithRetry } from './sandboxes/adopt-with-retry'
import { createHookRunner } from './sandboxes/lab-hooks'
import { SandboxRegistry, type SandboxRegistryOptions } from './sandboxes/sandbox-registry'
import { WarmPools } from './sandboxes/warm-pools'
import { createTicketStore } from './terminal/tickets'

/** The release: the repository's package.json version (the runner ships with the web app). */
function readVersion(): string {
  try {
    const file = path.resolve(import.meta.dirname, '../../package.json')
    return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version
  } catch {
    return 'unknown'
  }
}

/** One engine next to the runner (`docker`, the default), or a Swarm reached through a manager. */
function sandboxEngine(config: EngineConfig, local: Docker): SandboxEngine {
  if (config.kind === 'docker') return dockerEngine(local)
  return swarmEngine({
    manager: config.managerUrl ? dockerFromUrl(config.managerUrl, config.certPath) : local,
    builder: local,
    registry: config.registry,
    nodes: { port: config.enginePort, overrides: config.nodeEngines, certPath: config.certPath },
    constraints: config.constraints,
  })
}

async function main(): Promise<void> {
  const log = createJsonLogger()
  const loaded = loadConfig(process.env)
  if (!loaded.ok) {
    process.stderr.write(
      `lab-runner: invalid configuration:\n${loaded.problems.map((p) => `  - ${p}`).join('\n')}\n`,
    )
    process.exit(1)
  }
  const config = loaded.config
  if (config.publicOrigins.length === 0) {
    log.warn(
      'RUNNER_PUBLIC_ORIGINS is empty: browsers cannot open terminals until it names the web app origin',
    )
  }
  const catalog = loadLabDefinitions(config.labsDir, runnerLabOptions)
  for (const error of catalog.errors) log.warn('lab skipped', { problem: formatLabError(error) })
  log.info('labs loaded', { labs: [...catalog.labs.keys()], skipped: catalog.errors.length })

  const docker = new Docker({ socketPath: config.dockerSocket })
  const engine = sandboxEngine(config.engine, docker)
  log.info('sandbox engine', { engine: engine.kind })
  let provisionSeconds: ((s: number) => void) | undefined
  let onStart: SandboxRegistryOptions['onStart']
  const registry: SandboxRegistry = new SandboxRegistry({
    engine,
    catalog,
    labsDir: config.labsDir,
    maxSandboxes: config.maxSandboxes,
    maxConcurrentProvisioning: config.maxStarting,
    instance: config.instance,
    log,
    runHook: createHookRunner(engine.containers, (id) => registry.scriptEnv(id)),
    onProvisioned: (s) => provisionSeconds?.(s),
    onStart: (event) => onStart?.(event),
    allowNoFirewall: config.unsafeNoFirewall,
    diskBudgetBytes: config.sandboxDiskBytes,
  })
  if (config.unsafeNoFirewall)
    log.warn(
      'RUNNER_UNSAFE_NO_FIREWALL is set: sandboxes may start without the host firewall (development only)',
    )
  const pools = new WarmPools({
    registry,
    catalog,
    labsDir: config.labsDir,
    defaultSizes: config.pools.sizes,
    memoryBudgetBytes: config.pools.memoryBudgetBytes,
    maxSandboxes: config.maxSandboxes,
    maxAgeMs: config.pools.maxAgeMs,
    log,
  })
  const runner = createRunnerServer({
    registry,
    tickets: createTicketStore({ ttlMs: 30_000 }),
    serviceToken: config.serviceToken,
    publicOrigins: config.publicOrigins,
    log,
    labErrors: catalog.errors.length,
    recentErrors: () => log.recentErrors(),
    version: readVersion(),
    pools,
  })
  provisionSeconds = (s) => runner.metrics.provisionSeconds.observe(s)
  onStart = (event) => {
    pools.recordStart(event)
    if (event.kind === 'existing') return
    runner.metrics.poolStarts.inc({ lab: event.labSlug, result: event.kind === 'warm' ? 'hit' : 'miss' })
    if (event.seconds !== undefined) runner.metrics.claimSeconds.observe(event.seconds)
  }

  // A dead engine must not stop the runner: /healthz says 503, sandbox calls say
  // engine-unavailable, and adoption retries with back-off.
  const adoption = adoptWithRetry({ registry, log })
  void adoption.done.then(({ adopted, removed, interrupted }) =>
    log.info('engine state adopted', {
      adopted: adopted.length,
      removed: removed.length,
      interrupted: interrupted.length,
    }),
  )

  pools.start()
  runner.server.listen(config.port, config.host, () =>
    log.info('lab-runner listening', { host: config.host, port: config.port }),
  )
  const metricsAt = config.metrics
  if (metricsAt) {
    runner.metricsServer.listen(metricsAt.port, metricsAt.host, () =>
      log.info('metrics listening (no token)', { ...metricsAt }),
    )
  }

  let stopping = false
  const shutdown = async (signal: string) => {
    if (stopping) return
    stopping = true
    log.info('shutting down; sandboxes stay up for the next runner', { signal })
    adoption.cancel()
    pools.stop()
    await runner.close()
    await registry.stop()
    process.exit(0)
  }
  process.on('SIGTERM', () => void shutdown('SIGTERM'))
  process.on('SIGINT', () => void shutdown('SIGINT'))
}

await main()

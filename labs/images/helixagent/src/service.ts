import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import { createApp, type HelixApp } from './app'
import type { ConfigHolder } from './config-holder'
import { createControlServer } from './control'
import type { HelixEnv } from './env'
import { DEFAULT_EXECUTIONS_FILE, ExecutionLog } from './executions'
import { FaultState } from './faults'
import { Logger, type LogSink } from './logger'
import { createMetrics, type Metrics } from './metrics'
import { PgStore } from './pg-store'
import { ProviderSimulator } from './providers'
import { initialSeed, keepSeed } from './seed-store'
import { NoCache, RedisCache } from './redis-cache'
import type { Cache, Store } from './store'
import { Tracer } from './tracing'
import { HELIXAGENT_VERSION } from './version'
import { Verifier } from './verifier'

export interface RunningService {
  port: number
  controlPort: number | null
  app: HelixApp
  verifier: Verifier
  faults: FaultState
  metrics: Metrics
  logger: Logger
  tracer: Tracer
  stop(): Promise<void>
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve((server.address() as AddressInfo).port)
    })
  })
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve())
    server.closeAllConnections()
  })
}

/** The database and cache the environment (over the file) points at. */
function defaultStore(config: ConfigHolder, env: HelixEnv, logger: Logger): Store {
  const file = config.current.database
  const primary = {
    host: env.database.host ?? file.host ?? 'localhost',
    port: env.database.port ?? file.port ?? 5432,
    user: env.database.user ?? file.user ?? 'helixagent',
    password: env.database.password ?? file.password,
    database: env.database.name ?? file.name ?? 'helixagent_db',
  }
  const replicaHost = env.database.replicaHost ?? file.replica_host
  const replica =
    replicaHost === undefined
      ? null
      : { ...primary, host: replicaHost, port: env.database.replicaPort ?? file.replica_port ?? 5432 }
  return new PgStore({ primary, replica, poolSize: file.pool_size, logger })
}

function defaultCache(config: ConfigHolder, env: HelixEnv, logger: Logger): Cache {
  const file = config.current.redis
  const nodeList = env.redis.nodes ?? file.nodes
  const password = env.redis.password ?? file.password
  if (nodeList && nodeList.length > 0) {
    const nodes = nodeList.map((node) => {
      const [host = '', port = '6379'] = node.split(':')
      return { host, port: Number(port) }
    })
    return new RedisCache({ nodes, password, logger })
  }
  const host = env.redis.host ?? file.host
  if (host === undefined) return new NoCache()
  return new RedisCache({ nodes: [{ host, port: env.redis.port ?? file.port ?? 6379 }], password, logger })
}

export async function startService(options: {
  config: ConfigHolder
  env: HelixEnv
  store?: Store
  cache?: Cache
  stdout?: LogSink
  crash?: (exitCode: number) => void
  /** Overrides for tests: 0 picks a free port. */
  port?: number
  controlPort?: number
  host?: string
  startVerifier?: boolean
  /** Where grader-tagged arrivals are logged (executions.ts). */
  executionsFile?: string
}): Promise<RunningService> {
  const { config, env } = options
  const logger = Logger.create({
    instance: env.instanceId,
    level: env.logLevel ?? config.current.logging.level,
    stdout: options.stdout,
  })
  logger.setFile(config.current.logging.file)
  const metrics = createMetrics()
  metrics.runtimeInfo.set(
    {
      gomemlimit: env.runtime.gomemlimit ?? '',
      gogc: env.runtime.gogc ?? '',
      version: HELIXAGENT_VERSION,
      instance: env.instanceId,
    },
    1,
  )
  metrics.memoryLimitBytes.set(env.runtime.gomemlimitBytes ?? 0)
  const faults = new FaultState()
  const simulator = new ProviderSimulator({ faults, metrics, seed: initialSeed(env.seed, env.seedFile) })
  const verifier = new Verifier({ config, faults, simulator, metrics, logger })
  const tracer = new Tracer(() => config.current.tracing, logger, {
    instance: env.instanceId,
    version: HELIXAGENT_VERSION,
  })
  const store = options.store ?? defaultStore(config, env, logger)
  const cache = options.cache ?? defaultCache(config, env, logger)

  config.onChange((next, previous) => {
    if (env.logLevel === undefined) logger.setLevel(next.logging.level)
    logger.setFile(next.logging.file)
    verifier.syncProviders()
    if (verifier.running && next.verification.interval_seconds !== previous.verification.interval_seconds)
      verifier.start()
  })

  // Only with a control listener: the grader reads the log through it.
  const executions =
    env.control.token === null ? null : new ExecutionLog(options.executionsFile ?? DEFAULT_EXECUTIONS_FILE)
  const app = createApp({
    config,
    store,
    cache,
    metrics,
    logger,
    faults,
    simulator,
    verifier,
    tracer,
    info: {
      instanceId: env.instanceId,
      version: HELIXAGENT_VERSION,
      runtime: env.runtime,
      startedAt: Date.now(),
    },
    controlToken: env.control.token,
    executions,
  })
  const host = options.host ?? config.current.server.host
  const port = await listen(app.server, options.port ?? env.portOverride ?? config.current.server.port, host)

  let control: Server | null = null
  let controlPort: number | null = null
  if (env.control.token !== null) {
    control = createControlServer({
      token: env.control.token,
      faults,
      verifier,
      config,
      logger,
      crash: options.crash ?? ((code) => process.exit(code)),
      reseed: async (seed) => {
        keepSeed(env.seedFile, seed)
        simulator.setSeed(seed)
        // Scores and latencies show the new seed at once, not after the next verification tick.
        await verifier.verifyAll()
        logger.info('seed replaced')
      },
      executions,
    })
    controlPort = await listen(control, options.controlPort ?? env.control.port, host)
  }
  if (options.startVerifier ?? true) verifier.start()
  logger.info('helixagent started', {
    version: HELIXAGENT_VERSION,
    port,
    control_port: controlPort,
    providers: Object.keys(config.current.providers),
    redis_mode: cache.mode,
    gomemlimit: env.runtime.gomemlimit,
    gogc: env.runtime.gogc,
  })

  return {
    port,
    controlPort,
    app,
    verifier,
    faults,
    metrics,
    logger,
    tracer,
    stop: async () => {
      verifier.stop()
      await Promise.all([closeServer(app.server), control ? closeServer(control) : Promise.resolve()])
      await app.drain()
      await tracer.shutdown()
      await Promise.all([store.close(), cache.close()])
      logger.info('helixagent stopped')
      await logger.close()
    },
  }
}

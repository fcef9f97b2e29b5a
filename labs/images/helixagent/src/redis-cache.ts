import { Cluster, Redis } from 'ioredis'
import type { Logger } from './logger'
import type { Cache, DependencyStatus } from './store'

const OP_TIMEOUT_MS = 1000

function withTimeout<T>(work: Promise<T>): Promise<T> {
  return Promise.race([
    work,
    new Promise<T>((_, reject) =>
      setTimeout(
        () => reject(new Error(`redis did not answer within ${OP_TIMEOUT_MS} ms`)),
        OP_TIMEOUT_MS,
      ).unref(),
    ),
  ])
}

/** No Redis configured: every read misses, every write is dropped. */
export class NoCache implements Cache {
  readonly mode = 'none' as const
  async check(): Promise<DependencyStatus> {
    return { status: 'not_configured' }
  }
  async get(): Promise<string | null> {
    return null
  }
  async set(): Promise<void> {}
  async del(): Promise<void> {}
  async close(): Promise<void> {}
}

/**
 * PING and CLUSTER INFO from one cluster node the client holds a live connection to, a master if
 * it can. Sent through the cluster client, a command without a key goes to a random master of the
 * client's last view of the cluster, which right after a failover can still hold the lost master
 * (on a Swarm, at an address nobody answers any more): health would depend on the draw, and with
 * the offline queue off that node fails at once. With no live connection at all the client is
 * asked to look at the cluster again, and health says so.
 */
async function clusterInfo(cluster: Cluster): Promise<string> {
  const live = (role: 'master' | 'all') => cluster.nodes(role).filter((node) => node.status === 'ready')
  const node = live('master')[0] ?? live('all')[0]
  if (!node) {
    cluster.refreshSlotsCache()
    throw new Error('no connection to a cluster node is ready')
  }
  await node.ping()
  return String(await node.cluster('INFO'))
}

/**
 * Redis (standalone) or Redis Cluster through ioredis. The offline queue is off so a lost
 * Redis makes calls fail fast (the service serves degraded) while ioredis reconnects forever.
 */
export class RedisCache implements Cache {
  readonly mode: 'cluster' | 'standalone'
  private readonly client: Redis | Cluster
  private lastError: string | null = null
  private wasReady = false

  constructor(options: { nodes: Array<{ host: string; port: number }>; password?: string; logger: Logger }) {
    const retry = (times: number) => Math.min(times * 200, 2000)
    const common = {
      password: options.password,
      connectTimeout: 2000,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
    }
    const first = options.nodes[0]
    if (!first) throw new Error('RedisCache needs at least one node')
    if (options.nodes.length > 1) {
      this.mode = 'cluster'
      this.client = new Cluster(options.nodes, {
        enableOfflineQueue: false,
        clusterRetryStrategy: retry,
        slotsRefreshTimeout: 2000,
        redisOptions: common,
      })
    } else {
      this.mode = 'standalone'
      this.client = new Redis({ ...common, host: first.host, port: first.port, retryStrategy: retry })
    }
    this.client.on('ready', () => {
      this.wasReady = true
      this.lastError = null
      options.logger.info('redis connected', { mode: this.mode })
    })
    this.client.on('error', (cause: Error) => {
      // One line per outage, not one per reconnect attempt.
      if (this.lastError === null)
        options.logger.warn('redis unavailable; serving without cache', {
          mode: this.mode,
          error: cause.message,
        })
      this.lastError = cause.message
    })
  }

  private get ready(): boolean {
    return this.client.status === 'ready'
  }

  async check(): Promise<DependencyStatus> {
    if (!this.ready)
      return { status: 'down', mode: this.mode, error: this.lastError ?? `connection ${this.client.status}` }
    const started = Date.now()
    try {
      if (this.client instanceof Cluster) {
        // A cluster that lost a master without a replica answers PING but not every key.
        const info = await withTimeout(clusterInfo(this.client))
        const state = /cluster_state:(\w+)/.exec(info)?.[1] ?? 'unknown'
        if (state !== 'ok')
          return {
            status: 'down',
            mode: this.mode,
            error: `cluster_state:${state}`,
            latency_ms: Date.now() - started,
          }
      } else {
        await withTimeout(this.client.ping())
      }
      return { status: 'up', mode: this.mode, latency_ms: Date.now() - started }
    } catch (cause) {
      return {
        status: 'down',
        mode: this.mode,
        error: cause instanceof Error ? cause.message : String(cause),
      }
    }
  }

  async get(key: string): Promise<string | null> {
    if (!this.ready) return null
    try {
      return await withTimeout(this.client.get(key))
    } catch {
      return null
    }
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    if (!this.ready) return
    try {
      await withTimeout(this.client.set(key, value, 'EX', ttlSeconds))
    } catch {
      // A cache write that fails is only a future miss.
    }
  }

  async del(key: string): Promise<void> {
    if (!this.ready) return
    try {
      await withTimeout(this.client.del(key))
    } catch {
      // Same as above; entries also expire on their own.
    }
  }

  get everConnected(): boolean {
    return this.wasReady
  }

  async close(): Promise<void> {
    this.client.disconnect()
  }
}

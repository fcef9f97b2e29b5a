// Prometheus metrics of the runner (GET /metrics). Gauges read live values at scrape time.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { PoolsStatus } from '../../../contracts/runner-api'

export interface RunnerMetrics {
  registry: Registry
  provisionSeconds: Histogram
  checkSeconds: Histogram
  /** Starts served from a warm pool (hit) or cold (miss), by lab. */
  poolStarts: Counter<'lab' | 'result'>
  /** Claim of a warm sandbox to ready (personalisation included). */
  claimSeconds: Histogram
}

export function createRunnerMetrics(sources: {
  counts: () => { active: number; queued: number }
  terminalSessions: () => number
  pools?: () => PoolsStatus
}): RunnerMetrics {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: 'academy_runner_' })
  // Three default gauges end in _total, which `promtool check metrics` rejects (only counters
  // may); they repeat the sums of the per-type nodejs_active_* gauges, so they go.
  for (const name of [
    'nodejs_active_handles_total',
    'nodejs_active_requests_total',
    'nodejs_active_resources_total',
  ]) {
    registry.removeSingleMetric(`academy_runner_${name}`)
  }
  new Gauge({
    name: 'academy_runner_active_sandboxes',
    help: 'Sandboxes provisioning or ready',
    registers: [registry],
    collect() {
      this.set(sources.counts().active)
    },
  })
  new Gauge({
    name: 'academy_runner_queue_length',
    help: 'Sandbox requests waiting for capacity',
    registers: [registry],
    collect() {
      this.set(sources.counts().queued)
    },
  })
  new Gauge({
    name: 'academy_runner_terminal_sessions',
    help: 'Open terminal WebSockets',
    registers: [registry],
    collect() {
      this.set(sources.terminalSessions())
    },
  })
  const provisionSeconds = new Histogram({
    name: 'academy_runner_provision_seconds',
    help: 'Time from create (or reset) to a ready sandbox',
    buckets: [1, 2, 5, 10, 20, 30, 60, 120, 300],
    registers: [registry],
  })
  const checkSeconds = new Histogram({
    name: 'academy_runner_check_seconds',
    help: 'Duration of step check scripts',
    buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
    registers: [registry],
  })
  new Gauge({
    name: 'academy_runner_pool_sandboxes',
    help: 'Unclaimed warm pool sandboxes, by pool and state',
    labelNames: ['pool', 'lab', 'state'],
    registers: [registry],
    collect() {
      this.reset()
      for (const pool of sources.pools?.().pools ?? []) {
        this.set({ pool: pool.key, lab: pool.labSlug, state: 'ready' }, pool.ready)
        this.set({ pool: pool.key, lab: pool.labSlug, state: 'starting' }, pool.starting)
      }
    },
  })
  new Gauge({
    name: 'academy_runner_pool_target_sandboxes',
    help: 'Warm pool size the runner aims for (after the memory budget), by pool',
    labelNames: ['pool', 'lab'],
    registers: [registry],
    collect() {
      this.reset()
      for (const pool of sources.pools?.().pools ?? [])
        this.set({ pool: pool.key, lab: pool.labSlug }, pool.target)
    },
  })
  new Gauge({
    name: 'academy_runner_pool_memory_bytes',
    help: 'Memory limits held by unclaimed warm sandboxes',
    registers: [registry],
    collect() {
      this.set(sources.pools?.().memoryUsedBytes ?? 0)
    },
  })
  const poolStarts = new Counter({
    name: 'academy_runner_pool_starts_total',
    help: 'Fresh sandbox starts: result="hit" from a warm pool, "miss" cold',
    labelNames: ['lab', 'result'],
    registers: [registry],
  })
  const claimSeconds = new Histogram({
    name: 'academy_runner_pool_claim_seconds',
    help: 'Time from claiming a warm sandbox to ready (personalisation included)',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
    registers: [registry],
  })
  return { registry, provisionSeconds, checkSeconds, poolStarts, claimSeconds }
}

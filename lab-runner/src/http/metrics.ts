// Prometheus metrics of the runner (GET /metrics). Gauges read live values at scrape time.
import { Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

export interface RunnerMetrics {
  registry: Registry
  provisionSeconds: Histogram
  checkSeconds: Histogram
}

export function createRunnerMetrics(sources: {
  counts: () => { active: number; queued: number }
  terminalSessions: () => number
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
  return { registry, provisionSeconds, checkSeconds }
}

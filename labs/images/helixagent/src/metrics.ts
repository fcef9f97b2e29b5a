import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

/**
 * prom-client's default metrics include three gauges named `*_total`, which `promtool check
 * metrics` rejects (only counters may end in _total). They only repeat the sums of
 * nodejs_active_handles / _requests / _resources (per-type gauges), so drop them: the lab's own
 * Prometheus target must pass Prometheus' linter.
 */
function dropMisnamedDefaults(registry: Registry): void {
  for (const name of [
    'nodejs_active_handles_total',
    'nodejs_active_requests_total',
    'nodejs_active_resources_total',
  ]) {
    registry.removeSingleMetric(name)
  }
}

/**
 * The metric names, labels and buckets of the course (video 3.1), so its PromQL and Grafana
 * panels work unchanged. Each service instance owns one registry (tests create several).
 */
export function createMetrics() {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  dropMisnamedDefaults(registry)

  const requestsTotal = new Counter({
    name: 'helixagent_requests_total',
    help: 'Total number of requests',
    labelNames: ['method', 'endpoint', 'status'] as const,
    registers: [registry],
  })
  const requestDuration = new Histogram({
    name: 'helixagent_request_duration_seconds',
    help: 'Request duration in seconds',
    labelNames: ['method', 'endpoint'] as const,
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  })
  const providerScore = new Gauge({
    name: 'helixagent_provider_score',
    help: 'Provider verification score',
    labelNames: ['provider'] as const,
    registers: [registry],
  })
  const debateConfidence = new Histogram({
    name: 'helixagent_debate_confidence',
    help: 'Debate consensus confidence',
    // The course's own bucket list (video 3.1), 0.95 included.
    buckets: [0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0],
    registers: [registry],
  })
  const providerErrors = new Counter({
    name: 'helixagent_provider_errors_total',
    help: 'Failed calls to a provider (verification probes and ensemble calls)',
    labelNames: ['provider'] as const,
    registers: [registry],
  })
  const providerVerified = new Gauge({
    name: 'helixagent_provider_verified',
    help: '1 when the provider passed its last verification, 0 otherwise',
    labelNames: ['provider'] as const,
    registers: [registry],
  })
  const dependencyUp = new Gauge({
    name: 'helixagent_dependency_up',
    help: 'Whether a dependency answered its last health probe (1) or not (0)',
    labelNames: ['dependency'] as const,
    registers: [registry],
  })
  const runtimeInfo = new Gauge({
    name: 'helixagent_runtime_info',
    help: 'Runtime settings accepted from the environment (GOMEMLIMIT, GOGC)',
    labelNames: ['gomemlimit', 'gogc', 'version', 'instance'] as const,
    registers: [registry],
  })
  const memoryLimitBytes = new Gauge({
    name: 'helixagent_memory_limit_bytes',
    help: 'GOMEMLIMIT in bytes (0 when unset)',
    registers: [registry],
  })
  const configReloads = new Counter({
    name: 'helixagent_config_reloads_total',
    help: 'Configuration reload attempts by result',
    labelNames: ['result'] as const,
    registers: [registry],
  })
  // Always present, so `rate(helixagent_provider_errors_total{...}[5m])` has a series from
  // the first scrape instead of "no data" until the first failure.
  const ensureProvider = (provider: string) => {
    providerErrors.inc({ provider }, 0)
  }

  return {
    registry,
    requestsTotal,
    requestDuration,
    providerScore,
    debateConfidence,
    providerErrors,
    providerVerified,
    dependencyUp,
    runtimeInfo,
    memoryLimitBytes,
    configReloads,
    ensureProvider,
  }
}

export type Metrics = ReturnType<typeof createMetrics>

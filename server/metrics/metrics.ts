import 'server-only'
// The web app's Prometheus metrics. One registry per process, kept on globalThis: Next bundles
// route handlers and server actions separately, and each bundle would otherwise get its own
// copy of a module singleton (and count into a registry /api/metrics never shows).
// Alert rules for operators: deploy/prometheus/academy-rules.yml.
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client'

function createMetrics() {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: 'academy_web_' })
  // Gauges named *_total break Prometheus' naming rules (`promtool check metrics`); the same
  // counts are in academy_web_nodejs_active_{handles,requests,resources} by type.
  for (const kind of ['handles', 'requests', 'resources'])
    registry.removeSingleMetric(`academy_web_nodejs_active_${kind}_total`)
  return {
    registry,
    httpRequestDuration: new Histogram({
      name: 'academy_http_request_duration_seconds',
      help: 'Time to answer an API request, by route pattern, method and status code.',
      labelNames: ['route', 'method', 'status'] as const,
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    signInFailures: new Counter({
      name: 'academy_sign_in_failures_total',
      help: 'Sign-in attempts answered with an error (wrong password, unknown account, rate limited).',
      labelNames: ['status'] as const,
      registers: [registry],
    }),
    checkRuns: new Counter({
      name: 'academy_check_runs_total',
      help: 'Lab step checks run, by outcome: passed, failed, or error (the check could not run).',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    sandboxStarts: new Counter({
      name: 'academy_sandbox_starts_total',
      help: 'Lab start requests, by outcome: ready, provisioning, queued or failed.',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    sandboxQueueWait: new Histogram({
      name: 'academy_sandbox_queue_wait_seconds',
      help: 'Estimated wait the runner gave learners queued for a sandbox.',
      buckets: [5, 15, 30, 60, 120, 300, 600, 1200],
      registers: [registry],
    }),
    quizAttempts: new Counter({
      name: 'academy_quiz_attempts_total',
      help: 'Graded quiz attempts, by result: passed or failed.',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
  }
}

export type Metrics = ReturnType<typeof createMetrics>

const holder = globalThis as { academyMetrics?: Metrics }

export function metrics(): Metrics {
  holder.academyMetrics ??= createMetrics()
  return holder.academyMetrics
}

/** `/api/labs/ha-setup/start` with params `{ slug: 'ha-setup' }` → `/api/labs/[slug]/start`. */
export function routePattern(pathname: string, params: Record<string, string>): string {
  const names = new Map(Object.entries(params).map(([name, value]) => [encodeURIComponent(value), name]))
  return pathname
    .split('/')
    .map((segment) => (names.has(segment) ? `[${names.get(segment)}]` : segment))
    .join('/')
}

/** Runs `answer` and records its duration under `route`. */
export async function timeRequest(
  route: string,
  method: string,
  answer: () => Promise<Response>,
): Promise<Response> {
  const end = metrics().httpRequestDuration.startTimer({ route, method })
  try {
    const response = await answer()
    end({ status: String(response.status) })
    return response
  } catch (error) {
    end({ status: '500' })
    throw error
  }
}

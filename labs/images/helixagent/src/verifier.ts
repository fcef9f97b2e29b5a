import { setTimeout as sleep } from 'node:timers/promises'
import type { ConfigHolder } from './config-holder'
import type { FaultState } from './faults'
import type { Logger } from './logger'
import type { Metrics } from './metrics'
import { rateLimitReason, rateLimitShare, type ProviderSimulator } from './providers'

export type VerificationStatus = 'verified' | 'failed' | 'pending' | 'disabled'

export interface VerificationCheck {
  name: 'availability' | 'auth' | 'rate_limit' | 'latency' | 'quality'
  passed: boolean
  detail: string
}

export interface VerificationResult {
  id: string
  name: string
  verified: boolean
  status: VerificationStatus
  score: number
  latency_ms: number | null
  last_verified: string | null
  error: string | null
  checks: VerificationCheck[]
}

const PROBE_TIMEOUT_MS = 5000
/** A verification sends a short burst at the configured rate, so a rate limit shows every time. */
const PROBE_BURST = 10
const round1 = (value: number) => Math.round(value * 10) / 10

/**
 * Verifies every provider on a timer and on demand, and is the single source of the
 * verification view (API, metrics, logs and CLI all read from here).
 */
export class Verifier {
  private readonly results = new Map<string, VerificationResult>()
  private readonly started = new Map<string, number>()
  private readonly recorded = new Map<string, number>()
  private timer: NodeJS.Timeout | null = null

  constructor(
    private readonly deps: {
      config: ConfigHolder
      faults: FaultState
      simulator: ProviderSimulator
      metrics: Metrics
      logger: Logger
    },
  ) {
    this.syncProviders()
  }

  /** Starts the periodic loop (first run now); re-arms itself when the interval changes. */
  start(): void {
    this.stop()
    void this.verifyAll()
    this.timer = setInterval(
      () => void this.verifyAll(),
      this.deps.config.current.verification.interval_seconds * 1000,
    )
    this.timer.unref()
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }

  get running(): boolean {
    return this.timer !== null
  }

  /** Drops providers that left the config and marks new ones pending. */
  syncProviders(): void {
    const providers = this.deps.config.current.providers
    for (const id of [...this.results.keys()]) {
      if (!(id in providers)) {
        this.results.delete(id)
        this.deps.metrics.providerScore.remove({ provider: id })
        this.deps.metrics.providerVerified.remove({ provider: id })
      }
    }
    for (const [id, provider] of Object.entries(providers)) {
      this.deps.metrics.ensureProvider(id)
      const existing = this.results.get(id)
      if (!provider.enabled) {
        this.results.set(id, { ...this.emptyResult(id, provider.name), status: 'disabled' })
        this.deps.metrics.providerScore.remove({ provider: id })
        this.deps.metrics.providerVerified.remove({ provider: id })
      } else if (!existing || existing.status === 'disabled') {
        this.results.set(id, this.emptyResult(id, provider.name))
      }
    }
  }

  async verifyAll(logger: Logger = this.deps.logger): Promise<VerificationResult[]> {
    const ids = Object.keys(this.deps.config.current.providers)
    const results = await Promise.all(ids.map((id) => this.verifyOne(id, logger)))
    return results.filter((result): result is VerificationResult => result !== null)
  }

  /** Full verification of one provider; null when the id is not configured. */
  async verifyOne(id: string, logger: Logger = this.deps.logger): Promise<VerificationResult | null> {
    const provider = this.deps.config.current.providers[id]
    if (!provider) return null
    if (!provider.enabled) return this.results.get(id) ?? null
    const seq = (this.started.get(id) ?? 0) + 1
    this.started.set(id, seq)
    const result = await this.probe(id)
    // A newer verification (started after a fault change or reload) may have finished first.
    if ((this.recorded.get(id) ?? 0) > seq) return this.results.get(id) ?? result
    this.recorded.set(id, seq)
    this.record(result, logger)
    return result
  }

  /** `helixagent verify --test auth`: the auth check alone; the stored view is untouched. */
  verifyAuth(id: string): VerificationResult | null {
    const provider = this.deps.config.current.providers[id]
    if (!provider) return null
    const failure = this.deps.simulator.authFailure(id, provider)
    if (failure) this.deps.metrics.providerErrors.inc({ provider: id })
    return {
      id,
      name: provider.name,
      verified: failure === null,
      status: failure === null ? 'verified' : 'failed',
      score: this.results.get(id)?.score ?? 0,
      latency_ms: this.deps.simulator.latencyMs(id),
      last_verified: new Date().toISOString(),
      error: failure?.reason ?? null,
      checks: [
        {
          name: 'auth',
          passed: failure === null,
          detail: failure?.reason ?? 'api_key accepted by the upstream',
        },
      ],
    }
  }

  get(id: string): VerificationResult | null {
    return this.results.get(id) ?? null
  }

  summary(): { verified: number; failed: number; pending: number; providers: VerificationResult[] } {
    const providers = [...this.results.values()]
    return {
      verified: providers.filter((p) => p.status === 'verified').length,
      failed: providers.filter((p) => p.status === 'failed').length,
      pending: providers.filter((p) => p.status === 'pending').length,
      providers,
    }
  }

  private emptyResult(id: string, name: string): VerificationResult {
    return {
      id,
      name,
      verified: false,
      status: 'pending',
      score: 0,
      latency_ms: null,
      last_verified: null,
      error: null,
      checks: [],
    }
  }

  private async probe(id: string): Promise<VerificationResult> {
    const { simulator, faults, metrics } = this.deps
    const provider = this.deps.config.current.providers[id]
    if (!provider) throw new Error(`probe of unknown provider ${id}`)
    const threshold = this.deps.config.current.verification.threshold
    const active = faults.forProvider(id)
    const checks: VerificationCheck[] = []
    const finish = (score: number, error: string | null, latency: number | null): VerificationResult => ({
      id,
      name: provider.name,
      verified: error === null,
      status: error === null ? 'verified' : 'failed',
      score: round1(score),
      latency_ms: latency,
      last_verified: new Date().toISOString(),
      error,
      checks,
    })

    if (active.down) {
      const reason = 'upstream unavailable: connection refused (provider API is down)'
      checks.push({ name: 'availability', passed: false, detail: reason })
      metrics.providerErrors.inc({ provider: id })
      return finish(0, reason, null)
    }
    checks.push({ name: 'availability', passed: true, detail: 'upstream reachable' })

    const auth = simulator.authFailure(id, provider)
    if (auth) {
      checks.push({ name: 'auth', passed: false, detail: auth.reason })
      metrics.providerErrors.inc({ provider: id })
      return finish(0, auth.reason, simulator.latencyMs(id))
    }
    checks.push({ name: 'auth', passed: true, detail: 'api_key accepted by the upstream' })

    if (active.rate_limit) {
      const configured = provider.rate_limit.requests_per_minute
      const share = rateLimitShare(configured, active.rate_limit.limit)
      if (share > 0) {
        const rejected = Math.max(1, Math.round(PROBE_BURST * share))
        const reason = `${rejected}/${PROBE_BURST} probe requests rejected: ${rateLimitReason(configured, active.rate_limit.limit)}`
        checks.push({ name: 'rate_limit', passed: false, detail: reason })
        metrics.providerErrors.inc({ provider: id }, rejected)
        return finish(Math.min(6.5, simulator.quality(id) * (1 - share)), reason, simulator.latencyMs(id))
      }
    }
    checks.push({
      name: 'rate_limit',
      passed: true,
      detail: `${PROBE_BURST}/${PROBE_BURST} probe requests accepted at ${provider.rate_limit.requests_per_minute}/min`,
    })

    const latency = simulator.latencyMs(id)
    const addedMs = active.latency?.ms ?? 0
    if (addedMs > 0) await sleep(Math.min(addedMs, PROBE_TIMEOUT_MS))
    if (latency > PROBE_TIMEOUT_MS) {
      const reason = `probe timed out after ${PROBE_TIMEOUT_MS} ms`
      checks.push({ name: 'latency', passed: false, detail: reason })
      metrics.providerErrors.inc({ provider: id })
      return finish(0, reason, latency)
    }
    // Slow answers cost one point per second of latency above normal.
    const latencyPenalty = addedMs / 1000
    checks.push({ name: 'latency', passed: true, detail: `${latency} ms` })

    const score = Math.max(0, simulator.quality(id) - latencyPenalty)
    const qualityPassed = round1(score) >= threshold
    const qualityDetail = qualityPassed
      ? `score ${round1(score).toFixed(1)} (threshold ${threshold.toFixed(1)})`
      : `score ${round1(score).toFixed(1)} below threshold ${threshold.toFixed(1)}` +
        (latencyPenalty > 0 ? ` (latency ${latency} ms)` : ' (answers failed quality checks)')
    checks.push({ name: 'quality', passed: qualityPassed, detail: qualityDetail })
    return finish(score, qualityPassed ? null : qualityDetail, latency)
  }

  private record(result: VerificationResult, logger: Logger): void {
    const previous = this.results.get(result.id)
    this.results.set(result.id, result)
    this.deps.metrics.providerScore.set({ provider: result.id }, result.score)
    this.deps.metrics.providerVerified.set({ provider: result.id }, result.verified ? 1 : 0)
    const fields = {
      provider: result.id,
      score: result.score,
      verified: result.verified,
      latency_ms: result.latency_ms,
    }
    if (!result.verified) logger.warn('provider verification failed', { ...fields, error: result.error })
    else if (previous?.status !== 'verified') logger.info('provider verified', fields)
    else logger.debug('provider verified', fields)
  }
}

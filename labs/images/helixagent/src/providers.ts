import { createHash } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type { ProviderConfig } from './config'
import type { FaultState } from './faults'
import type { Logger } from './logger'
import type { Metrics } from './metrics'

/**
 * Simulated upstream LLM providers. Everything is a pure function of the provider id, the
 * sandbox seed and the active faults, so a grader can predict what a learner sees.
 */
const CATALOGUE_SCORES: Record<string, number> = {
  claude: 9.2,
  deepseek: 8.7,
  gemini: 8.9,
  qwen: 8.3,
  mistral: 8.1,
}

function unitHash(text: string): number {
  // First 32 bits of a SHA-256, mapped to [0, 1).
  return createHash('sha256').update(text).digest().readUInt32BE(0) / 2 ** 32
}

const round1 = (value: number) => Math.round(value * 10) / 10

/** 8.0–9.5, nudged by at most ±0.3 per sandbox seed. */
export function baseScore(id: string, seed: string): number {
  const base = CATALOGUE_SCORES[id] ?? 8 + unitHash(`score:${id}`) * 1.5
  const nudge = seed === '' ? 0 : (unitHash(`${seed}:${id}`) - 0.5) * 0.6
  return round1(Math.min(9.5, Math.max(8, base + nudge)))
}

/** Typical simulated upstream latency, 120–420 ms; reported, not slept (keeps labs snappy). */
export function baseLatencyMs(id: string, seed: string): number {
  return 120 + Math.floor(unitHash(`latency:${seed}:${id}`) * 300)
}

export type CallFailure = { status: 401 | 429 | 503; reason: string }

export type CallOutcome =
  | { ok: true; provider: string; latencyMs: number; quality: number }
  | ({ ok: false; provider: string; latencyMs: number } & CallFailure)

/** Share of calls the upstream rejects when the configured rate exceeds what it accepts. */
export function rateLimitShare(configuredPerMinute: number, upstreamLimit: number): number {
  if (configuredPerMinute <= upstreamLimit) return 0
  return (configuredPerMinute - upstreamLimit) / configuredPerMinute
}

export function rateLimitReason(configured: number, limit: number): string {
  return `upstream returned 429 Too Many Requests (x-ratelimit-limit: ${limit}/min; configured requests_per_minute: ${configured})`
}

export class ProviderSimulator {
  private readonly callCounters = new Map<string, number>()

  private seed: string

  constructor(private readonly deps: { faults: FaultState; metrics: Metrics; seed: string }) {
    this.seed = deps.seed
  }

  /** A warm-pool sandbox takes its learner's seed when claimed (`PUT /seed` on the control port). */
  setSeed(seed: string): void {
    this.seed = seed
  }

  baseScore(id: string): number {
    return baseScore(id, this.seed)
  }

  /** The auth check alone: does the upstream accept the configured key? */
  authFailure(id: string, provider: ProviderConfig): CallFailure | null {
    if (provider.api_key === '') {
      return { status: 401, reason: `no api_key configured for provider ${id} (set providers.${id}.api_key)` }
    }
    const expected = this.deps.faults.forProvider(id).auth?.key
    if (expected !== undefined && provider.api_key !== expected) {
      return {
        status: 401,
        reason: 'upstream returned 401 Unauthorized: invalid api_key (the key was rotated or revoked)',
      }
    }
    return null
  }

  /** The fault-derived quality of a healthy answer (0–10). */
  quality(id: string): number {
    return this.deps.faults.forProvider(id).degrade?.score ?? this.baseScore(id)
  }

  latencyMs(id: string): number {
    return baseLatencyMs(id, this.seed) + (this.deps.faults.forProvider(id).latency?.ms ?? 0)
  }

  /**
   * One ensemble call to a provider. Failures are counted in
   * helixagent_provider_errors_total{provider}; the caller logs them with its trace id.
   */
  async call(id: string, provider: ProviderConfig, logger: Logger): Promise<CallOutcome> {
    const faults = this.deps.faults.forProvider(id)
    const latencyMs = this.latencyMs(id)
    const fail = (failure: CallFailure): CallOutcome => {
      this.deps.metrics.providerErrors.inc({ provider: id })
      logger.error('provider call failed', { provider: id, status: failure.status, error: failure.reason })
      return { ok: false, provider: id, latencyMs, ...failure }
    }
    if (faults.down)
      return fail({ status: 503, reason: 'upstream unavailable: connection refused (provider API is down)' })
    const auth = this.authFailure(id, provider)
    if (auth) return fail(auth)
    if (faults.rate_limit) {
      const configured = provider.rate_limit.requests_per_minute
      const share = rateLimitShare(configured, faults.rate_limit.limit)
      const count = (this.callCounters.get(id) ?? 0) + 1
      this.callCounters.set(id, count)
      // Error diffusion: exactly `share` of consecutive calls fail, evenly spread.
      if (Math.floor(count * share) > Math.floor((count - 1) * share)) {
        return fail({ status: 429, reason: rateLimitReason(configured, faults.rate_limit.limit) })
      }
    }
    if (faults.latency) await sleep(faults.latency.ms)
    return { ok: true, provider: id, latencyMs, quality: this.quality(id) }
  }
}

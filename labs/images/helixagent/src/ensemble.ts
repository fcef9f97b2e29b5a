import { createHash } from 'node:crypto'
import type { HelixConfig } from './config'
import type { Logger } from './logger'
import type { CallOutcome, ProviderSimulator } from './providers'
import type { Verifier } from './verifier'

/** The participant roles of a HelixAgent debate, assigned in this order. */
export const DEBATE_ROLES = ['analyst', 'proposer', 'critic', 'synthesizer', 'mediator'] as const
export type DebateRole = (typeof DEBATE_ROLES)[number]

export interface Contribution {
  provider: string
  role: DebateRole
  status: 'ok' | 'error'
  score: number | null
  latency_ms: number
  content: string | null
  error: string | null
  http_status: number | null
  fallback_from: string | null
}

export interface EnsembleOutcome {
  rounds: Array<{ round: number; contributions: Contribution[] }>
  participants: Array<{ provider: string; role: DebateRole }>
  consensus: string | null
  confidence: number | null
  succeeded: number
  failed: number
  /** The first failure's HTTP status, for single-provider requests. */
  firstFailure: { status: number; reason: string; provider: string } | null
}

const RECOMMENDATIONS = [
  'start from the symptoms, confirm them in the metrics, then change one thing at a time',
  'fail over to the healthy provider first and investigate the degraded one afterwards',
  'keep the change small, reload the configuration, and watch the error rate for five minutes',
  'add an alert on the leading indicator before fixing the root cause',
  'document the decision in the runbook so the next on-call engineer can repeat it',
  'prefer the read replica for reporting queries and keep the primary for writes',
]

function hashIndex(text: string, modulo: number): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0) % modulo
}

function jitter(text: string): number {
  // ±0.02, stable per prompt, so the confidence histogram is not a single spike.
  return (hashIndex(`jitter:${text}`, 41) - 20) / 1000
}

/** Enabled providers, best verified first; an explicit list keeps the caller's order. */
export function selectParticipants(
  config: HelixConfig,
  verifier: Verifier,
  count: number,
  explicit?: string[],
): string[] {
  if (explicit && explicit.length > 0) return explicit
  return Object.entries(config.providers)
    .filter(([, provider]) => provider.enabled)
    .map(([id]) => ({ id, result: verifier.get(id) }))
    .sort(
      (a, b) =>
        Number(b.result?.verified ?? false) - Number(a.result?.verified ?? false) ||
        (b.result?.score ?? 0) - (a.result?.score ?? 0) ||
        a.id.localeCompare(b.id),
    )
    .slice(0, count)
    .map(({ id }) => id)
}

export async function runEnsemble(options: {
  config: HelixConfig
  simulator: ProviderSimulator
  logger: Logger
  participants: string[]
  rounds: number
  prompt: string
}): Promise<EnsembleOutcome> {
  const { config, simulator, logger, prompt } = options
  const participants = options.participants.map((provider, index) => ({
    provider,
    role: DEBATE_ROLES[index % DEBATE_ROLES.length] ?? 'analyst',
  }))
  const recommendation = RECOMMENDATIONS[hashIndex(prompt, RECOMMENDATIONS.length)] ?? ''

  const callWithFailover = async (
    id: string,
  ): Promise<{ outcome: CallOutcome; fallbackFrom: string | null }> => {
    const provider = config.providers[id]
    if (!provider || !provider.enabled) {
      return {
        outcome: {
          ok: false,
          provider: id,
          latencyMs: 0,
          status: 503,
          reason: `provider ${id} is not configured or disabled`,
        },
        fallbackFrom: null,
      }
    }
    const outcome = await simulator.call(id, provider, logger)
    // Only an outage fails over, as in the course's runbook ("Provider will auto-failover").
    if (!outcome.ok && outcome.status === 503 && provider.fallback !== null) {
      const fallback = config.providers[provider.fallback]
      if (fallback?.enabled) {
        logger.warn('provider down, failing over', { provider: id, fallback: provider.fallback })
        return { outcome: await simulator.call(provider.fallback, fallback, logger), fallbackFrom: id }
      }
    }
    return { outcome, fallbackFrom: null }
  }

  const rounds: EnsembleOutcome['rounds'] = []
  for (let round = 1; round <= options.rounds; round++) {
    const contributions = await Promise.all(
      participants.map(async ({ provider, role }): Promise<Contribution> => {
        const { outcome, fallbackFrom } = await callWithFailover(provider)
        if (!outcome.ok) {
          return {
            provider: outcome.provider,
            role,
            status: 'error',
            score: null,
            latency_ms: outcome.latencyMs,
            content: null,
            error: outcome.reason,
            http_status: outcome.status,
            fallback_from: fallbackFrom,
          }
        }
        return {
          provider: outcome.provider,
          role,
          status: 'ok',
          score: outcome.quality,
          latency_ms: outcome.latencyMs,
          content: `[${role}, round ${round}] ${outcome.quality < 7 ? 'A vague and partly off-topic answer.' : `I suggest we ${recommendation}.`}`,
          error: null,
          http_status: 200,
          fallback_from: fallbackFrom,
        }
      }),
    )
    rounds.push({ round, contributions })
  }

  const all = rounds.flatMap((round) => round.contributions)
  const good = all.filter((c) => c.status === 'ok')
  const firstError = all.find((c) => c.status === 'error')
  if (good.length === 0) {
    return {
      rounds,
      participants,
      consensus: null,
      confidence: null,
      succeeded: 0,
      failed: all.length,
      firstFailure: firstError
        ? {
            status: firstError.http_status ?? 503,
            reason: firstError.error ?? 'unknown error',
            provider: firstError.provider,
          }
        : null,
    }
  }
  const meanQuality = good.reduce((sum, c) => sum + (c.score ?? 0), 0) / good.length
  const successRatio = good.length / all.length
  const confidence = Math.min(
    1,
    Math.max(0, (meanQuality / 10) * (0.7 + 0.3 * successRatio) + jitter(prompt)),
  )
  const voices = [...new Set(good.map((c) => c.provider))]
  return {
    rounds,
    participants,
    consensus: `After ${options.rounds} round(s), ${voices.join(', ')} agree: ${recommendation}.`,
    confidence: Math.round(confidence * 1000) / 1000,
    succeeded: good.length,
    failed: all.length - good.length,
    firstFailure: firstError
      ? {
          status: firstError.http_status ?? 503,
          reason: firstError.error ?? 'unknown error',
          provider: firstError.provider,
        }
      : null,
  }
}

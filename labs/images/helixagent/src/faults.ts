import { z } from 'zod'

/**
 * Faults the lab-runner and grader inject through the control listener. Each provider can
 * carry one fault of each kind at a time; the instance can be slowed or crashed.
 */
export const faultRequestSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('degrade'),
    provider: z.string().min(1),
    score: z.number().min(0).max(6.9).default(5.8),
  }),
  z.strictObject({
    kind: z.literal('latency'),
    provider: z.string().min(1),
    ms: z.number().int().min(1).max(120_000),
  }),
  z.strictObject({
    kind: z.literal('rate_limit'),
    provider: z.string().min(1),
    limit: z.number().int().min(0),
  }),
  z.strictObject({ kind: z.literal('auth'), provider: z.string().min(1), key: z.string().min(1) }),
  z.strictObject({ kind: z.literal('down'), provider: z.string().min(1) }),
  z.strictObject({ kind: z.literal('slow'), ms: z.number().int().min(1).max(120_000) }),
  z.strictObject({
    kind: z.literal('crash'),
    exit_code: z.number().int().min(1).max(255).default(1),
    delay_ms: z.number().int().min(0).max(60_000).default(100),
  }),
])

export type FaultRequest = z.infer<typeof faultRequestSchema>

export interface ProviderFaults {
  degrade?: { score: number }
  latency?: { ms: number }
  rate_limit?: { limit: number }
  auth?: { key: string }
  down?: Record<string, never>
}
export type ProviderFaultKind = keyof ProviderFaults
export const PROVIDER_FAULT_KINDS: readonly ProviderFaultKind[] = [
  'degrade',
  'latency',
  'rate_limit',
  'auth',
  'down',
]

export class FaultState {
  private readonly providers = new Map<string, ProviderFaults>()
  private slowMs = 0

  forProvider(id: string): ProviderFaults {
    return this.providers.get(id) ?? {}
  }

  instanceSlowMs(): number {
    return this.slowMs
  }

  /** Applies a provider or `slow` fault; `crash` is handled by the caller, not stored. */
  apply(request: Exclude<FaultRequest, { kind: 'crash' }>): void {
    if (request.kind === 'slow') {
      this.slowMs = request.ms
      return
    }
    const current = { ...this.forProvider(request.provider) }
    switch (request.kind) {
      case 'degrade':
        current.degrade = { score: request.score }
        break
      case 'latency':
        current.latency = { ms: request.ms }
        break
      case 'rate_limit':
        current.rate_limit = { limit: request.limit }
        break
      case 'auth':
        current.auth = { key: request.key }
        break
      case 'down':
        current.down = {}
        break
    }
    this.providers.set(request.provider, current)
  }

  clearAll(): void {
    this.providers.clear()
    this.slowMs = 0
  }

  clearInstance(): void {
    this.slowMs = 0
  }

  clearProvider(id: string, kind?: ProviderFaultKind): void {
    if (kind === undefined) {
      this.providers.delete(id)
      return
    }
    const current = { ...this.forProvider(id) }
    delete current[kind]
    if (Object.keys(current).length === 0) this.providers.delete(id)
    else this.providers.set(id, current)
  }

  list(): { instance: { slow?: { ms: number } }; providers: Record<string, ProviderFaults> } {
    return {
      instance: this.slowMs > 0 ? { slow: { ms: this.slowMs } } : {},
      providers: Object.fromEntries(this.providers),
    }
  }
}

import { randomBytes } from 'node:crypto'
import type { HelixConfig } from './config'
import type { Logger } from './logger'

/** W3C trace context: `00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>`. */
export interface ParentContext {
  traceId: string
  parentSpanId: string
  sampled: boolean
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/

export function parseTraceparent(header: string | undefined): ParentContext | null {
  const match = header === undefined ? null : TRACEPARENT.exec(header.trim().toLowerCase())
  if (!match?.[2] || !match[3] || !match[4] || match[1] === 'ff') return null
  if (/^0+$/.test(match[2]) || /^0+$/.test(match[3])) return null
  return { traceId: match[2], parentSpanId: match[3], sampled: (parseInt(match[4], 16) & 1) === 1 }
}

/** TraceIDRatioBased: the same trace id gets the same decision on every instance. */
export function ratioSampled(traceId: string, ratio: number): boolean {
  if (ratio >= 1) return true
  if (ratio <= 0) return false
  return parseInt(traceId.slice(-8), 16) / 0xffffffff < ratio
}

type AttributeValue = string | number | boolean

interface FinishedSpan {
  traceId: string
  spanId: string
  parentSpanId: string | null
  name: string
  kind: number
  startNs: bigint
  endNs: bigint
  attributes: Record<string, AttributeValue>
  error: boolean
}

const nowNs = () => BigInt(Date.now()) * 1_000_000n

export class Span {
  readonly spanId = randomBytes(8).toString('hex')
  private readonly startNs = nowNs()
  private readonly attributes: Record<string, AttributeValue> = {}
  private ended = false

  constructor(
    private readonly tracer: Tracer,
    readonly traceId: string,
    private readonly parentSpanId: string | null,
    readonly sampled: boolean,
    private readonly name: string,
    private readonly kind: number,
  ) {}

  setAttribute(key: string, value: AttributeValue): this {
    this.attributes[key] = value
    return this
  }

  child(name: string): Span {
    return new Span(this.tracer, this.traceId, this.spanId, this.sampled, name, 1)
  }

  /** The header to send downstream (and back to the client) so the trace continues. */
  traceparent(): string {
    return `00-${this.traceId}-${this.spanId}-${this.sampled ? '01' : '00'}`
  }

  end(error = false): void {
    if (this.ended) return
    this.ended = true
    if (!this.sampled) return
    this.tracer.record({
      traceId: this.traceId,
      spanId: this.spanId,
      parentSpanId: this.parentSpanId,
      name: this.name,
      kind: this.kind,
      startNs: this.startNs,
      endNs: nowNs(),
      attributes: this.attributes,
      error,
    })
  }
}

/** Where OTLP/HTTP expects traces: the endpoint itself if it names a path, else `/v1/traces`. */
export function tracesUrl(endpoint: string): string {
  const url = new URL(endpoint)
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/v1/traces'
  return url.toString()
}

/**
 * A minimal OpenTelemetry tracer: server spans per request plus child spans for provider
 * calls, exported in batches as OTLP/HTTP JSON. No exporter runs without an endpoint.
 */
export class Tracer {
  private queue: FinishedSpan[] = []
  private timer: NodeJS.Timeout | null = null
  private lastExportFailed = false

  constructor(
    private readonly getConfig: () => HelixConfig['tracing'],
    private readonly logger: Logger,
    private readonly resource: { instance: string; version: string },
  ) {}

  startServerSpan(name: string, parent: ParentContext | null): Span {
    const config = this.getConfig()
    const traceId = parent?.traceId ?? randomBytes(16).toString('hex')
    // Parent-based: honour the caller's decision, else sample by ratio.
    const sampled =
      config.otlp_endpoint !== null &&
      (parent ? parent.sampled : ratioSampled(traceId, config.sampling_ratio))
    return new Span(this, traceId, parent?.parentSpanId ?? null, sampled, name, 2)
  }

  record(span: FinishedSpan): void {
    if (this.getConfig().otlp_endpoint === null) return
    this.queue.push(span)
    if (this.queue.length >= 512) void this.flush()
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null
        void this.flush()
      }, 1000)
      this.timer.unref()
    }
  }

  async flush(): Promise<void> {
    const endpoint = this.getConfig().otlp_endpoint
    const spans = this.queue
    this.queue = []
    if (endpoint === null || spans.length === 0) return
    const config = this.getConfig()
    const body = {
      resourceSpans: [
        {
          resource: {
            attributes: [
              { key: 'service.name', value: { stringValue: config.service_name } },
              { key: 'service.version', value: { stringValue: this.resource.version } },
              { key: 'service.instance.id', value: { stringValue: this.resource.instance } },
            ],
          },
          scopeSpans: [
            {
              scope: { name: 'helixagent' },
              spans: spans.map((span) => ({
                traceId: span.traceId,
                spanId: span.spanId,
                ...(span.parentSpanId ? { parentSpanId: span.parentSpanId } : {}),
                name: span.name,
                kind: span.kind,
                startTimeUnixNano: span.startNs.toString(),
                endTimeUnixNano: span.endNs.toString(),
                attributes: Object.entries(span.attributes).map(([key, value]) => ({
                  key,
                  value:
                    typeof value === 'string'
                      ? { stringValue: value }
                      : typeof value === 'boolean'
                        ? { boolValue: value }
                        : Number.isInteger(value)
                          ? { intValue: String(value) }
                          : { doubleValue: value },
                })),
                status: { code: span.error ? 2 : 1 },
              })),
            },
          ],
        },
      ],
    }
    try {
      const response = await fetch(tracesUrl(endpoint), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(5000),
      })
      if (!response.ok) throw new Error(`collector answered HTTP ${response.status}`)
      if (this.lastExportFailed) this.logger.info('trace export recovered', { endpoint })
      this.lastExportFailed = false
    } catch (cause) {
      // One line per outage, not one per batch.
      if (!this.lastExportFailed) {
        this.logger.warn('trace export failed; spans dropped', {
          endpoint,
          error: cause instanceof Error ? cause.message : String(cause),
        })
      }
      this.lastExportFailed = true
    }
  }

  async shutdown(): Promise<void> {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    await this.flush()
  }
}

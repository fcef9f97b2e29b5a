// One Prometheus range query (`POST /api/v1/query_range`) from the runner to a Prometheus inside
// a sandbox, by container IP. Every way it can go wrong is a typed result with a message for the
// learner; the answer's size and the wait are capped so one query cannot hold the runner.
import http from 'node:http'
import type { DashboardSeries } from '../../../contracts/dashboard'
import type { UpstreamOptions } from '../engine/upstream'

export interface RangeQuery {
  /** Container IP and port of the lab's declared Prometheus. */
  ip: string
  port: number
  /** How to connect when not straight to ip:port (on a Swarm, a tunnel through the node's engine). */
  via?: UpstreamOptions
  /** How the learner knows it, e.g. "prometheus:9090", for messages. */
  name: string
  query: string
  /** Unix seconds. */
  start: number
  end: number
  stepS: number
  timeoutMs: number
  /** Answers larger than this are refused (default 8 MiB). */
  maxBytes?: number
}

export type RangeQueryResult =
  | { status: 'ok'; series: DashboardSeries[]; warnings: string[] }
  | { status: 'rejected' | 'unreachable' | 'timeout' | 'bad-answer'; message: string }

const DEFAULT_MAX_BYTES = 8 * 1024 * 1024

interface PrometheusAnswer {
  status?: unknown
  error?: unknown
  warnings?: unknown
  data?: { resultType?: unknown; result?: unknown }
}

export function queryRange(request: RangeQuery): Promise<RangeQueryResult> {
  const form = new URLSearchParams({
    query: request.query,
    start: String(request.start),
    end: String(request.end),
    step: `${request.stepS}s`,
    // Prometheus stops evaluating too, instead of working on after we gave up.
    timeout: `${Math.max(1, Math.floor(request.timeoutMs / 1000))}s`,
  }).toString()
  const maxBytes = request.maxBytes ?? DEFAULT_MAX_BYTES
  const seconds = request.timeoutMs / 1000

  return new Promise<RangeQueryResult>((resolve) => {
    let settled = false
    const finish = (result: RangeQueryResult) => {
      if (settled) return
      settled = true
      clearTimeout(deadline)
      req.destroy()
      resolve(result)
    }
    const req = http.request({
      host: request.ip,
      port: request.port,
      ...request.via,
      method: 'POST',
      path: '/api/v1/query_range',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'content-length': Buffer.byteLength(form),
        accept: 'application/json',
      },
    })
    // One deadline for connect, evaluation and the whole answer.
    const deadline = setTimeout(
      () =>
        finish({
          status: 'timeout',
          message: `Prometheus (${request.name}) did not answer within ${seconds} s; make the query cheaper (a shorter [range], fewer series).`,
        }),
      request.timeoutMs,
    )
    req.on('error', (error) =>
      finish({
        status: 'unreachable',
        message: `Prometheus (${request.name}) is not answering (${error.message}); is it running? Check it in the terminal: curl -s http://${request.name}/-/ready`,
      }),
    )
    req.on('response', (res) => {
      const chunks: Buffer[] = []
      let size = 0
      res.on('data', (chunk: Buffer) => {
        size += chunk.length
        if (size > maxBytes) {
          finish({
            status: 'bad-answer',
            message: `the answer is larger than ${Math.round(maxBytes / 1024 / 1024)} MiB; aggregate the query (e.g. sum by (...)) so it returns fewer series.`,
          })
          return
        }
        chunks.push(chunk)
      })
      res.on('error', (error) =>
        finish({
          status: 'unreachable',
          message: `Prometheus (${request.name}) broke off its answer (${error.message}).`,
        }),
      )
      res.on('end', () =>
        finish(readAnswer(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'), request.name)),
      )
    })
    req.end(form)
  })
}

function readAnswer(statusCode: number, text: string, name: string): RangeQueryResult {
  let answer: PrometheusAnswer
  try {
    answer = JSON.parse(text) as PrometheusAnswer
  } catch {
    return {
      status: 'bad-answer',
      message: `Prometheus (${name}) answered HTTP ${statusCode} with something that is not its JSON API; is ${name} really Prometheus?`,
    }
  }
  if (answer.status === 'error') {
    return {
      status: 'rejected',
      message: `Prometheus rejects the query: ${typeof answer.error === 'string' ? answer.error : 'no reason given'}`,
    }
  }
  if (answer.status !== 'success' || statusCode !== 200) {
    return {
      status: 'bad-answer',
      message: `Prometheus (${name}) answered HTTP ${statusCode} without a result.`,
    }
  }
  const result = answer.data?.result
  if (answer.data?.resultType !== 'matrix' || !Array.isArray(result)) {
    return {
      status: 'rejected',
      message: `the query returns a ${String(answer.data?.resultType ?? 'value')}, which cannot be drawn over time; use an expression that returns numbers.`,
    }
  }
  const warnings = Array.isArray(answer.warnings)
    ? answer.warnings.filter((w): w is string => typeof w === 'string')
    : []
  return { status: 'ok', series: result.map(toSeries), warnings }
}

function toSeries(entry: unknown): DashboardSeries {
  const { metric, values } = (entry ?? {}) as { metric?: unknown; values?: unknown }
  const labels: Record<string, string> = {}
  if (metric && typeof metric === 'object') {
    for (const [key, value] of Object.entries(metric)) if (typeof value === 'string') labels[key] = value
  }
  const points: DashboardSeries['points'] = []
  if (Array.isArray(values)) {
    for (const pair of values) {
      if (!Array.isArray(pair)) continue
      const [time, raw] = pair as [unknown, unknown]
      const value = Number(raw)
      // NaN and ±Inf cannot travel as JSON numbers; they become gaps in the chart.
      if (typeof time === 'number') points.push([time, Number.isFinite(value) ? value : null])
    }
  }
  return { labels, points }
}

// Range queries and panel shaping against a loopback server that answers like Prometheus's
// HTTP API (the network edge); the real Prometheus is exercised by labs/monitoring-stack/lab.test.ts.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DASHBOARD_LIMITS } from '../../../contracts/dashboard'
import { chooseRange, toPanel } from './run-dashboard'
import { queryRange, type RangeQuery } from './prometheus-range'

let server: Server
let port: number
let lastForm: URLSearchParams | undefined
const handlers: Record<string, (res: ServerResponse) => void> = {}

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = ''
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')))
    req.on('end', () => {
      lastForm = new URLSearchParams(body)
      const handler = handlers[lastForm.get('query') ?? '']
      if (handler) handler(res)
      else json(res, 400, { status: 'error', errorType: 'bad_data', error: 'unknown query in this test' })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as AddressInfo).port
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}
const matrix = (result: unknown[]) => ({ status: 'success', data: { resultType: 'matrix', result } })
const ask = (query: string, extra: Partial<RangeQuery> = {}) =>
  queryRange({
    ip: '127.0.0.1',
    port,
    name: 'prometheus:9090',
    query,
    start: 1000,
    end: 1900,
    stepS: 8,
    timeoutMs: 2_000,
    ...extra,
  })

describe('queryRange', () => {
  it('sends the range as a form and turns values into numbers, NaN and Inf into gaps', async () => {
    handlers['rate_ok'] = (res) =>
      json(
        res,
        200,
        matrix([
          {
            metric: { endpoint: '/v1/chat' },
            values: [
              [1000, '1.5'],
              [1008, 'NaN'],
              [1016, '+Inf'],
              [1024, '2'],
            ],
          },
        ]),
      )
    const result = await ask('rate_ok')
    expect(Object.fromEntries(lastForm ?? [])).toEqual({
      query: 'rate_ok',
      start: '1000',
      end: '1900',
      step: '8s',
      timeout: '2s',
    })
    expect(result).toEqual({
      status: 'ok',
      warnings: [],
      series: [
        {
          labels: { endpoint: '/v1/chat' },
          points: [
            [1000, 1.5],
            [1008, null],
            [1016, null],
            [1024, 2],
          ],
        },
      ],
    })
  })

  it("passes on Prometheus's reason when it rejects a query", async () => {
    handlers['sum(rate(x[5m]'] = (res) =>
      json(res, 400, {
        status: 'error',
        errorType: 'bad_data',
        error: '1:15: parse error: unclosed left parenthesis',
      })
    expect(await ask('sum(rate(x[5m]')).toEqual({
      status: 'rejected',
      message: 'Prometheus rejects the query: 1:15: parse error: unclosed left parenthesis',
    })
  })

  it('gives up after the timeout and says so', async () => {
    handlers['slow'] = (res) => setTimeout(() => json(res, 200, matrix([])), 1_500)
    const started = performance.now()
    const result = await ask('slow', { timeoutMs: 300 })
    expect(performance.now() - started).toBeLessThan(1_000)
    expect(result).toMatchObject({
      status: 'timeout',
      message: expect.stringContaining('did not answer within 0.3 s'),
    })
  })

  it('says Prometheus is not answering when nothing listens', async () => {
    const probe = createServer()
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
    const closedPort = (probe.address() as AddressInfo).port
    await new Promise<void>((resolve) => probe.close(() => resolve()))
    expect(await ask('up', { port: closedPort })).toMatchObject({
      status: 'unreachable',
      message: expect.stringMatching(/prometheus:9090\) is not answering .*ECONNREFUSED/),
    })
  })

  it('refuses an answer over the size cap, and one that is not the JSON API', async () => {
    handlers['huge'] = (res) => json(res, 200, matrix([{ metric: { a: 'x'.repeat(4096) }, values: [] }]))
    expect(await ask('huge', { maxBytes: 1024 })).toMatchObject({
      status: 'bad-answer',
      message: expect.stringContaining('aggregate the query'),
    })
    handlers['html'] = (res) => {
      res.writeHead(200, { 'content-type': 'text/html' })
      res.end('<html>not prometheus</html>')
    }
    expect(await ask('html')).toMatchObject({
      status: 'bad-answer',
      message: expect.stringContaining('not its JSON API'),
    })
  })
})

describe('toPanel and chooseRange', () => {
  const panel = { title: 'By instance', query: 'up' }

  it(`keeps ${DASHBOARD_LIMITS.seriesPerPanel} series sorted by labels and says how many were left out`, () => {
    const series = Array.from({ length: 23 }, (_, i) => ({
      labels: { instance: `i-${String(i).padStart(2, '0')}` },
      points: [[1, i]] as Array<[number, number]>,
    }))
    const shaped = toPanel(panel, { status: 'ok', series: series.reverse(), warnings: [] }, 900)
    expect(shaped.status).toBe('ok')
    expect(shaped.series).toHaveLength(DASHBOARD_LIMITS.seriesPerPanel)
    expect(shaped.series[0]?.labels.instance).toBe('i-00')
    expect(shaped.omittedSeries).toBe(3)
    expect(shaped.message).toMatch(/^Showing 20 of 23 series; 3 were left out/)
  })

  it('tells an empty answer and an error apart', () => {
    expect(toPanel(panel, { status: 'ok', series: [], warnings: [] }, 900)).toMatchObject({
      status: 'no-data',
      message: expect.stringContaining('no data in the last 15 minutes'),
    })
    expect(
      toPanel(panel, { status: 'rejected', message: 'Prometheus rejects the query: bad' }, 3600),
    ).toEqual({
      ...panel,
      status: 'error',
      series: [],
      omittedSeries: 0,
      message: 'Prometheus rejects the query: bad',
    })
  })

  it(`picks a step that keeps each series at or under ${DASHBOARD_LIMITS.pointsPerSeries} points`, () => {
    for (const rangeS of [60, 900, 3600, 10_800, 86_400]) {
      const { start, end, stepS } = chooseRange(rangeS, 1_000_000)
      expect(end).toBe(1_000_000)
      expect(end - start).toBe(rangeS)
      expect(Math.floor(rangeS / stepS) + 1).toBeLessThanOrEqual(DASHBOARD_LIMITS.pointsPerSeries)
      expect(Math.floor(rangeS / stepS) + 1).toBeGreaterThan(DASHBOARD_LIMITS.pointsPerSeries / 2)
    }
  })
})

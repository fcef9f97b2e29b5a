// The web app's metrics as Prometheus reads them: every series present and clean under
// `promtool check metrics` (Debian's prometheus package), and the endpoint's token check.
import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { metrics, routePattern, timeRequest } from './metrics'
import { metricsResponse } from './metrics-response'

const TOKEN = 'metrics-token-metrics-token-0123456789'

function scrape(token?: string) {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {}
  return metricsResponse(new Request('http://127.0.0.1/api/metrics', { headers }), TOKEN)
}

describe('web app metrics', () => {
  it('turns a request path into its route pattern', () => {
    expect(
      routePattern('/api/labs/ha-setup/steps/replica-up/check', { slug: 'ha-setup', stepId: 'replica-up' }),
    ).toBe('/api/labs/[slug]/steps/[stepId]/check')
  })

  it('exposes every series and passes promtool check metrics', async () => {
    const m = metrics()
    await timeRequest('/api/labs/[slug]/start', 'POST', async () => Response.json({}, { status: 201 }))
    await expect(
      timeRequest('/api/labs/[slug]/check', 'POST', () => Promise.reject(new Error('bug'))),
    ).rejects.toThrow('bug')
    m.signInFailures.inc({ status: '401' })
    m.checkRuns.inc({ outcome: 'passed' })
    m.sandboxStarts.inc({ outcome: 'queued' })
    m.sandboxQueueWait.observe(42)
    m.quizAttempts.inc({ result: 'failed' })

    const response = await scrape(TOKEN)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    const text = await response.text()
    for (const line of [
      'academy_http_request_duration_seconds_count{route="/api/labs/[slug]/start",method="POST",status="201"} 1',
      'academy_http_request_duration_seconds_count{route="/api/labs/[slug]/check",method="POST",status="500"} 1',
      'academy_sign_in_failures_total{status="401"} 1',
      'academy_check_runs_total{outcome="passed"} 1',
      'academy_sandbox_starts_total{outcome="queued"} 1',
      'academy_sandbox_queue_wait_seconds_sum 42',
      'academy_quiz_attempts_total{result="failed"} 1',
    ]) {
      expect(text).toContain(line)
    }
    expect(text).toContain('academy_web_process_resident_memory_bytes')

    const promtool = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' })
    expect(promtool.error, 'promtool must be installed (Debian: apt-get install prometheus)').toBeUndefined()
    expect(`${promtool.stdout}${promtool.stderr}`).toBe('')
    expect(promtool.status).toBe(0)
  })

  it('answers only with the right bearer token, and not at all without one configured', async () => {
    expect((await scrape()).status).toBe(401)
    expect((await scrape('wrong')).status).toBe(401)
    const off = await metricsResponse(new Request('http://127.0.0.1/api/metrics'), undefined)
    expect(off.status).toBe(404)
    expect(await off.json()).toEqual({ error: 'Metrics are off: set METRICS_TOKEN to turn them on.' })
  })
})

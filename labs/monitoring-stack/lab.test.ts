// Lab 2 (monitoring-stack) on the real engine: every check fails on a fresh sandbox and on a
// partial or wrong answer, each solve makes its check pass, and at the end every check passes.
import { describe, expect, it } from 'vitest'
import { describeMissing, missingCommands } from '../test-support/command-check'
import {
  expectCheckFails,
  expectCheckPasses,
  expectSolvePasses,
  provisionLabForSuite,
  type LabSandbox,
} from '../test-support/lab-harness'

let lab: LabSandbox

const SEED = 4242

provisionLabForSuite('monitoring-stack', (ready) => (lab = ready), { seed: String(SEED) })

const asLearner = (script: string) => lab.exec('workstation', script, { timeoutS: 60, user: 'learner' })

describe('lab monitoring-stack', () => {
  it('every runnable command of its steps and lessons exists on the host the text names', async () => {
    expect(describeMissing(await missingCommands(lab))).toBe('')
  }, 60_000)

  it("every HelixAgent instance's /metrics passes promtool check metrics, as a learner runs it", async () => {
    for (const instance of ['helixagent-1', 'helixagent-2', 'helixagent-3']) {
      const lint = await lab.exec(
        'workstation',
        `curl -sf http://${instance}:8080/metrics | promtool check metrics`,
      )
      expect({ instance, exitCode: lint.exitCode, output: lint.output }).toEqual({
        instance,
        exitCode: 0,
        output: '',
      })
    }
  }, 60_000)

  it('fails every check on a fresh sandbox, with a concrete reason', async () => {
    await expectCheckFails(lab, 'scrape', /does not scrape helixagent-1:8080/)
    await expectCheckFails(lab, 'alert-rules', /no alerting rules/)
    await expectCheckFails(lab, 'alert-routing', /no Alertmanager/)
    await expectCheckFails(lab, 'dashboard', /no panels/)
    // The in-app dashboard says the same about the starter file, and where to write the panels.
    expect(await lab.dashboard()).toEqual({
      status: 'file-problem',
      file: { host: 'workstation', path: '/home/learner/dashboards/helixagent.yaml' },
      message: expect.stringMatching(/no panels yet.*save the file/),
    })
  }, 120_000)

  it('scrape: the instances without the exporters are not enough', async () => {
    const partial = await asLearner(`cat >> /etc/prometheus/prometheus.yml <<'Y'
  - job_name: helixagent
    static_configs:
      - targets: ["helixagent-1:8080", "helixagent-2:8080", "helixagent-3:8080"]
Y
curl -sf -X POST http://prometheus:9090/-/reload && sleep 2`)
    expect(partial.exitCode, partial.output).toBe(0)
    await expectCheckFails(lab, 'scrape', /does not scrape postgres-exporter:9187/)
    await expectSolvePasses(lab, 'scrape')
    await expectCheckPasses(lab, 'scrape')
  }, 120_000)

  it('alert-rules: a provider rule with the wrong comparison does not pass', async () => {
    const wrong = await asLearner(`cat > /etc/prometheus/rules/helixagent.yml <<'Y'
groups:
  - name: helixagent
    rules:
      - alert: ProviderDegraded
        expr: helixagent_provider_score > 7
        labels: { team: helixagent }
Y
promtool check rules /etc/prometheus/rules/helixagent.yml && curl -sf -X POST http://prometheus:9090/-/reload`)
    expect(wrong.exitCode, wrong.output).toBe(0)
    await expectCheckFails(lab, 'alert-rules', /no loaded alerting rule compares the share of 5xx/)
    await expectSolvePasses(lab, 'alert-rules')
    await expectCheckPasses(lab, 'alert-rules')
  }, 120_000)

  it("cheat: learner A's rule, written for A's degraded provider, fails for learner B", async () => {
    // The sandbox's degraded provider follows the learner's seed (labs' checks: seed % 5).
    const providers = ['claude', 'gemini', 'deepseek', 'qwen', 'mistral']
    const mine = providers[SEED % 5] ?? ''
    const theirs = providers[(SEED + 1) % 5] ?? ''
    const copied = await asLearner(`cp /etc/prometheus/rules/helixagent.yml /tmp/rules.solved.yml
cat > /etc/prometheus/rules/helixagent.yml <<'Y'
groups:
  - name: helixagent
    rules:
      - alert: HelixAgentHighErrorRatio
        expr: sum(rate(helixagent_requests_total{status=~"5.."}[5m])) / sum(rate(helixagent_requests_total[5m])) > 0.05
        labels: { team: helixagent }
      - alert: ProviderDegraded
        expr: helixagent_provider_score{provider="${theirs}"} < 7
        labels: { team: helixagent }
Y
promtool check rules /etc/prometheus/rules/helixagent.yml && curl -sf -X POST http://prometheus:9090/-/reload && sleep 2`)
    expect(copied.exitCode, copied.output).toBe(0)
    await expectCheckFails(
      lab,
      'alert-rules',
      new RegExp(`no alert is pending or firing for provider ${mine}`),
    )
    await expectSolvePasses(lab, 'alert-rules')
    await expectCheckPasses(lab, 'alert-rules')
  }, 120_000)

  it('alert-routing: alerts sent to the catch-all receiver do not pass', async () => {
    const partial =
      await asLearner(`printf '\\nalerting:\\n  alertmanagers:\\n    - static_configs:\\n        - targets: ["alertmanager:9093"]\\n' >> /etc/prometheus/prometheus.yml
promtool check config /etc/prometheus/prometheus.yml && curl -sf -X POST http://prometheus:9090/-/reload
for i in $(seq 1 60); do curl -s http://alertmanager:9093/api/v2/alerts | grep -q ProviderDegraded && break; sleep 1; done`)
    expect(partial.exitCode, partial.output).toBe(0)
    await expectCheckFails(lab, 'alert-routing', /routed to receiver 'default'/)
    await expectSolvePasses(lab, 'alert-routing')
    await expectCheckPasses(lab, 'alert-routing')
  }, 180_000)

  it('dashboard: the in-app dashboard reports a query Prometheus rejects on that panel only', async () => {
    const written = await asLearner(`cat > /home/learner/dashboards/helixagent.yaml <<'Y'
panels:
  - title: Broken
    query: sum(rate(helixagent_requests_total[5m])
  - title: Up
    query: up
Y`)
    expect(written.exitCode, written.output).toBe(0)
    const result = await lab.dashboard()
    if (result.status !== 'ok') throw new Error(`dashboard: ${JSON.stringify(result)}`)
    expect(result.panels.map((p) => p.status)).toEqual(['error', 'ok'])
    expect(result.panels[0]?.message).toMatch(/^Prometheus rejects the query: .*parse error/)
    expect(result.panels[1]?.series.length).toBeGreaterThanOrEqual(4)
  }, 60_000)

  it('dashboard: the error rate as a ratio and an unsplit request rate do not pass', async () => {
    const partial = await asLearner(`cat > /home/learner/dashboards/helixagent.yaml <<'Y'
panels:
  - title: Requests
    query: sum(rate(helixagent_requests_total[5m]))
  - title: Provider scores
    query: helixagent_provider_score
  - title: Errors
    query: 'sum(rate(helixagent_requests_total{status=~"5.."}[5m])) / sum(rate(helixagent_requests_total[5m]))'
Y`)
    expect(partial.exitCode, partial.output).toBe(0)
    await expectCheckFails(
      lab,
      'dashboard',
      /request rate by endpoint[\s\S]*error rate as a percentage[\s\S]*as a ratio/,
    )
    await expectSolvePasses(lab, 'dashboard')
    await expectCheckPasses(lab, 'dashboard')

    // The in-app dashboard draws the solved panels from the sandbox's Prometheus.
    const result = await lab.dashboard(900)
    if (result.status !== 'ok') throw new Error(`dashboard: ${JSON.stringify(result)}`)
    expect(result.range.end - result.range.start).toBe(900)
    const [byEndpoint, providers, errorRate] = result.panels
    expect(result.panels.map((p) => [p.title, p.status, p.message])).toEqual([
      ['Request rate by endpoint', 'ok', undefined],
      ['Provider scores', 'ok', undefined],
      ['Error rate (%)', 'ok', undefined],
    ])
    const values = (p: typeof byEndpoint) =>
      (p?.series ?? []).flatMap((s) => s.points.map(([, v]) => v)).filter((v) => v !== null)
    for (const panel of result.panels) {
      for (const series of panel.series) expect(series.points.length).toBeLessThanOrEqual(120)
    }
    expect(byEndpoint?.series.length).toBeGreaterThanOrEqual(2)
    for (const series of byEndpoint?.series ?? []) expect(Object.keys(series.labels)).toEqual(['endpoint'])
    expect(values(byEndpoint).some((v) => v > 0)).toBe(true)
    expect(providers?.series.length).toBeGreaterThanOrEqual(5)
    for (const series of providers?.series ?? []) expect(series.labels.provider).toBeTruthy()
    expect(values(providers).every((v) => v >= 0 && v <= 10)).toBe(true)
    expect(errorRate?.series).toHaveLength(1)
    expect(errorRate?.series[0]?.labels).toEqual({})
    expect(values(errorRate).length).toBeGreaterThan(0)
    expect(values(errorRate).every((v) => v >= 0 && v <= 100)).toBe(true)
  }, 120_000)

  it('passes every check once all solves have run', async () => {
    for (const stepId of lab.stepIds) await expectCheckPasses(lab, stepId)
  }, 120_000)
})

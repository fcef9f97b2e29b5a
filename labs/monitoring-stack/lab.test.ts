// Lab 2 (monitoring-stack) on the real engine: every check fails on a fresh sandbox and on a
// partial or wrong answer, each solve makes its check pass, and at the end every check passes.
import { readFileSync } from 'node:fs'
import path from 'node:path'
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
const PROVIDERS = ['claude', 'gemini', 'deepseek', 'qwen', 'mistral']

provisionLabForSuite('monitoring-stack', (ready) => (lab = ready), { seed: String(SEED) })

const asLearner = (script: string, timeoutS = 60) =>
  lab.exec('workstation', script, { timeoutS, user: 'learner' })

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
    await expectCheckFails(lab, 'recording-rules', /no recording rule named job:helixagent_requests:rate5m/)
    await expectCheckFails(lab, 'rule-tests', /no test file/)
    await expectCheckFails(lab, 'slo-burn-rate', /no alerting rule named HelixAgentErrorBudgetBurn/)
    await expectCheckFails(lab, 'inhibit-silence', /no alerting rule HelixAgentInstanceDown/)
    await expectCheckFails(lab, 'replication-lag', /no alerting rule PostgresReplicationLagHigh/)
    // The in-app dashboard says the same about the starter file, and where to write the panels.
    expect(await lab.dashboard()).toEqual({
      status: 'file-problem',
      file: { host: 'workstation', path: '/home/learner/dashboards/helixagent.yaml' },
      message: expect.stringMatching(/no panels yet.*save the file/),
    })
  }, 240_000)

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
    const partial = await asLearner(
      `printf '\\nalerting:\\n  alertmanagers:\\n    - static_configs:\\n        - targets: ["alertmanager:9093"]\\n' >> /etc/prometheus/prometheus.yml
promtool check config /etc/prometheus/prometheus.yml && curl -sf -X POST http://prometheus:9090/-/reload
for i in $(seq 1 150); do curl -s http://alertmanager:9093/api/v2/alerts | grep -q ProviderDegraded && break; sleep 1; done`,
      180,
    )
    expect(partial.exitCode, partial.output).toBe(0)
    await expectCheckFails(lab, 'alert-routing', /routed to receiver 'default'/)
    await expectSolvePasses(lab, 'alert-routing')
    await expectCheckPasses(lab, 'alert-routing')
  }, 360_000)

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

  it('recording-rules: an errors rule without the status filter, then an unaggregated score, do not pass', async () => {
    const record = (rules: string) =>
      asLearner(`cat > /etc/prometheus/rules/recording.yml <<'Y'
groups:
  - name: helixagent-recording
    rules:
      - record: job:helixagent_requests:rate5m
        expr: sum by (job) (rate(helixagent_requests_total[5m]))
${rules}
Y
promtool check rules /etc/prometheus/rules/recording.yml && curl -sf -X POST http://prometheus:9090/-/reload && sleep 3`)
    const noFilter = await record(`      - record: job:helixagent_requests_errors:rate5m
        expr: sum by (job) (rate(helixagent_requests_total[5m]))
      - record: provider:helixagent_provider_score:min
        expr: min by (provider) (helixagent_provider_score)`)
    expect(noFilter.exitCode, noFilter.output).toBe(0)
    await expectCheckFails(
      lab,
      'recording-rules',
      /job:helixagent_requests_errors:rate5m: .* where the expression gives/,
    )
    // Cheat: the raw per-instance series under the per-provider name.
    const unaggregated = await record(`      - record: job:helixagent_requests_errors:rate5m
        expr: sum by (job) (rate(helixagent_requests_total{status=~"5.."}[5m]))
      - record: provider:helixagent_provider_score:min
        expr: helixagent_provider_score`)
    expect(unaggregated.exitCode, unaggregated.output).toBe(0)
    await expectCheckFails(
      lab,
      'recording-rules',
      /provider:helixagent_provider_score:min: labels .*instance/,
    )
    await expectSolvePasses(lab, 'recording-rules')
    await expectCheckPasses(lab, 'recording-rules')
  }, 180_000)

  it('rule-tests: a test that asserts nothing, then one without negative cases, do not pass', async () => {
    const writeTest = (body: string) =>
      asLearner(`mkdir -p /etc/prometheus/tests && cat > /etc/prometheus/tests/helixagent_test.yml <<'Y'
rule_files:
  - /etc/prometheus/rules/helixagent.yml
evaluation_interval: 15s
tests:
${body}
Y
promtool test rules /etc/prometheus/tests/helixagent_test.yml`)
    // Passes promtool: nothing fires at 0m, whatever the rules say.
    const empty = await writeTest(`  - interval: 15s
    input_series:
      - series: 'helixagent_provider_score{instance="helixagent-1:8080", job="helixagent", provider="claude"}'
        values: '5.8x20'
    alert_rule_test:
      - { eval_time: 0m, alertname: ProviderDegraded, exp_alerts: [] }
      - { eval_time: 0m, alertname: HelixAgentHighErrorRatio, exp_alerts: [] }`)
    expect(empty.exitCode, empty.output).toBe(0)
    await expectCheckFails(
      lab,
      'rule-tests',
      /still pass when ProviderDegraded never fires[\s\S]*ProviderDegraded fires for every provider[\s\S]*HelixAgentHighErrorRatio never fires[\s\S]*HelixAgentHighErrorRatio fires on any traffic/,
    )
    // Only the cases that must fire: a rule that fires for everything still passes them.
    const positiveOnly = await writeTest(`  - interval: 15s
    input_series:
      - series: 'helixagent_provider_score{instance="helixagent-1:8080", job="helixagent", provider="claude"}'
        values: '5.8x20'
    alert_rule_test:
      - eval_time: 2m
        alertname: ProviderDegraded
        exp_alerts:
          - exp_labels: { severity: warning, team: helixagent, instance: "helixagent-1:8080", job: helixagent, provider: claude }
            exp_annotations: { summary: "Provider claude score is 5.8 (below 7.0)" }
  - interval: 1m
    input_series:
      - series: 'helixagent_requests_total{endpoint="/v1/models", method="GET", status="503"}'
        values: '0+10x20'
    alert_rule_test:
      - eval_time: 15m
        alertname: HelixAgentHighErrorRatio
        exp_alerts:
          - exp_labels: { severity: page, team: helixagent }
            exp_annotations: { summary: "More than 5% of HelixAgent requests fail" }`)
    expect(positiveOnly.exitCode, positiveOnly.output).toBe(0)
    const result = await lab.check('rule-tests')
    expect(result.passed, result.output).toBe(false)
    expect(result.output).toMatch(/ProviderDegraded fires for every provider/)
    expect(result.output).toMatch(/HelixAgentHighErrorRatio fires on any traffic/)
    expect(result.output).not.toMatch(/never fires/)
    await expectSolvePasses(lab, 'rule-tests')
    await expectCheckPasses(lab, 'rule-tests')
  }, 240_000)

  it('slo-burn-rate: only the fast-burn pair, then long windows alone over every endpoint, do not pass', async () => {
    const ratios = (selector: string) =>
      ['5m', '30m', '1h', '6h']
        .map(
          (w) => `      - record: job:helixagent_chat_errors:ratio_rate${w}
        expr: sum by (job) (rate(helixagent_requests_total{${selector}status=~"5.."}[${w}])) / sum by (job) (rate(helixagent_requests_total{${selector.replace(/, $/, '')}}[${w}]))`,
        )
        .join('\n')
    const writeSlo = (selector: string, expr: string) =>
      asLearner(`cat > /etc/prometheus/rules/slo.yml <<'Y'
groups:
  - name: helixagent-slo
    rules:
${ratios(selector)}
      - alert: HelixAgentErrorBudgetBurn
        expr: ${expr}
        for: 2m
        labels: { severity: page, team: helixagent }
Y
promtool check rules /etc/prometheus/rules/slo.yml && curl -sf -X POST http://prometheus:9090/-/reload && sleep 3`)
    const chat = 'endpoint="/v1/chat/completions", '
    const fastOnly = await writeSlo(
      chat,
      'job:helixagent_chat_errors:ratio_rate1h > (14.4 * 0.001) and job:helixagent_chat_errors:ratio_rate5m > (14.4 * 0.001)',
    )
    expect(fastOnly.exitCode, fastOnly.output).toBe(0)
    await expectCheckFails(lab, 'slo-burn-rate', /does not fire when 1% of chat completions fail for 7 hours/)
    // One window per burn rate, over every endpoint: it pages on the degraded provider's health
    // checks and keeps paging after a burst has ended. The check names both faults at once.
    const longOnly = await writeSlo(
      '',
      'job:helixagent_chat_errors:ratio_rate1h > (14.4 * 0.001) or job:helixagent_chat_errors:ratio_rate6h > (6 * 0.001)',
    )
    expect(longOnly.exitCode, longOnly.output).toBe(0)
    await expectCheckFails(
      lab,
      'slo-burn-rate',
      /fires on a healthy history/,
      /still fires 40 minutes after a 30-minute burst ended/,
    )
    await expectSolvePasses(lab, 'slo-burn-rate')
    const passed = await expectCheckPasses(lab, 'slo-burn-rate')
    expect(passed).toMatch(/fired on a live burst of 60 failed chat completions/)
    // The burst's fault is gone again: the degraded provider answers chat completions.
    const after = await lab.exec(
      'grader',
      `curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' -d '{"model":"${PROVIDERS[SEED % 5]}","messages":[{"role":"user","content":"hi"}]}' http://lb:8080/v1/chat/completions`,
    )
    expect(after.output).toBe('200')
  }, 600_000)

  it('inhibit-silence: an inhibition of every instance, then a silence of the alert everywhere, do not pass', async () => {
    const solvedRules = await lab.solve('inhibit-silence')
    expect(solvedRules.passed, solvedRules.output).toBe(true)
    // Undo the solve's Alertmanager half: no inhibition, no silence.
    const reset = await asLearner(`sed -i '/^inhibit_rules:/,$d' /etc/alertmanager/alertmanager.yml
curl -sf -X POST http://alertmanager:9093/-/reload
for id in $(amtool silence query -q); do amtool silence expire "$id"; done`)
    expect(reset.exitCode, reset.output).toBe(0)
    await expectCheckFails(lab, 'inhibit-silence', /its ProviderDegraded warning .* is not inhibited/)
    const everyInstance = await asLearner(`cat >> /etc/alertmanager/alertmanager.yml <<'Y'
inhibit_rules:
  - source_matchers: ['alertname="HelixAgentInstanceDown"']
    target_matchers: ['severity="warning"']
Y
amtool check-config /etc/alertmanager/alertmanager.yml && curl -sf -X POST http://alertmanager:9093/-/reload`)
    expect(everyInstance.exitCode, everyInstance.output).toBe(0)
    await expectCheckFails(lab, 'inhibit-silence', /also inhibits the warning of helixagent-1:8080/)
    const tooWide = await asLearner(`sed -i '/^inhibit_rules:/,$d' /etc/alertmanager/alertmanager.yml
cat >> /etc/alertmanager/alertmanager.yml <<'Y'
inhibit_rules:
  - source_matchers: ['alertname="HelixAgentInstanceDown"']
    target_matchers: ['severity="warning"']
    equal: [instance]
Y
curl -sf -X POST http://alertmanager:9093/-/reload
amtool silence add alertname=ProviderDegraded --duration=2h --comment="too noisy"`)
    expect(tooWide.exitCode, tooWide.output).toBe(0)
    await expectCheckFails(
      lab,
      'inhibit-silence',
      /no active silence with exactly the matcher instance="helixagent-3:8080" \(active silences: alertname="ProviderDegraded"\)/,
    )
    const expire = await asLearner(
      'for id in $(amtool silence query -q); do amtool silence expire "$id"; done',
    )
    expect(expire.exitCode, expire.output).toBe(0)
    await expectSolvePasses(lab, 'inhibit-silence')
    expect(await expectCheckPasses(lab, 'inhibit-silence')).toMatch(
      /silence .* by Lab 2 solution mutes helixagent-3/,
    )
  }, 240_000)

  it('replication-lag: a rule on the slot metric, then a threshold of 1 KiB, do not pass', async () => {
    const writeRule = (expr: string) =>
      asLearner(`cat > /etc/prometheus/rules/postgres.yml <<'Y'
groups:
  - name: postgres
    rules:
      - alert: PostgresReplicationLagHigh
        expr: ${expr}
        for: 1m
        labels: { severity: warning }
Y
promtool check rules /etc/prometheus/rules/postgres.yml && curl -sf -X POST http://prometheus:9090/-/reload && sleep 3`)
    const slot = await writeRule('pg_replication_slots_pg_wal_lsn_diff > 16 * 1024 * 1024')
    expect(slot.exitCode, slot.output).toBe(0)
    await expectCheckFails(lab, 'replication-lag', /does not use the exporter's replication lag metric/)
    const tooLow = await writeRule('pg_stat_replication_pg_wal_lsn_diff > 1024')
    expect(tooLow.exitCode, tooLow.output).toBe(0)
    await expectCheckFails(lab, 'replication-lag', /fires at a lag of about 4 MB/)
    await expectSolvePasses(lab, 'replication-lag')
    await expectCheckPasses(lab, 'replication-lag')
    // The check resumed replay and dropped its table: the replica catches up.
    const caughtUp = await lab.exec(
      'grader',
      `for i in $(seq 1 30); do v=$(psql -qAtX -c "select coalesce(max(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)), -1) from pg_stat_replication"); [ "$v" -ge 0 ] && [ "$v" -lt 1048576 ] && echo caught-up && exit 0; sleep 1; done; echo "lag $v"; psql -qAtX -c "select to_regclass('public.academy_check_replication_lag')"`,
    )
    expect(caughtUp.output.trim()).toBe('caught-up')
  }, 300_000)

  it("lesson 2.2's metrics command shows every metric it names, on the workstation", async () => {
    const lesson = readFileSync(
      path.join(
        import.meta.dirname,
        '../../content/courses/production-operations/modules/02-scaling-strategies/lessons/02-vertical-scaling.mdx',
      ),
      'utf8',
    )
    const line = lesson
      .split('\n')
      .find((l) => l.startsWith('curl -s http://helixagent-1:8080/metrics | grep -E'))
    if (!line) throw new Error('lesson 2.2 has no metrics command')
    const names = /\^\(([^)]+)\)/.exec(line)?.[1]?.split('|') ?? []
    expect(names.length).toBeGreaterThanOrEqual(4)
    const shown = await asLearner(line)
    expect(shown.exitCode, shown.output).toBe(0)
    const printed = shown.output.split('\n').map((l) => l.split(' ')[0])
    for (const name of names) expect(printed, `${name} in:\n${shown.output}`).toContain(name)
  }, 60_000)

  it('passes every check once all solves have run', async () => {
    for (const stepId of lab.stepIds) await expectCheckPasses(lab, stepId)
  }, 600_000)
})

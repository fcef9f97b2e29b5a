#!/usr/bin/env bash
# Runs on the workstation: promtool unit tests for step 2's rules: a degraded provider alerts and a
# healthy one does not; 10% of 5xx pages and error-free traffic does not.
set -euo pipefail
mkdir -p /etc/prometheus/tests
cat > /etc/prometheus/tests/helixagent_test.yml <<'YAML'
rule_files:
  - /etc/prometheus/rules/helixagent.yml
evaluation_interval: 15s
tests:
  - name: a degraded provider alerts, a healthy one does not
    interval: 15s
    input_series:
      - series: 'helixagent_provider_score{instance="helixagent-1:8080", job="helixagent", provider="claude"}'
        values: '5.8x20'
      - series: 'helixagent_provider_score{instance="helixagent-1:8080", job="helixagent", provider="gemini"}'
        values: '9.1x20'
    alert_rule_test:
      - eval_time: 2m
        alertname: ProviderDegraded
        exp_alerts:
          - exp_labels: { severity: warning, team: helixagent, instance: "helixagent-1:8080", job: helixagent, provider: claude }
            exp_annotations:
              summary: "Provider claude score is 5.8 (below 7.0)"
  - name: 10% of 5xx pages
    interval: 1m
    input_series:
      - series: 'helixagent_requests_total{endpoint="/v1/models", method="GET", status="200"}'
        values: '0+90x20'
      - series: 'helixagent_requests_total{endpoint="/v1/models", method="GET", status="503"}'
        values: '0+10x20'
    alert_rule_test:
      - eval_time: 15m
        alertname: HelixAgentHighErrorRatio
        exp_alerts:
          - exp_labels: { severity: page, team: helixagent }
            exp_annotations:
              summary: "More than 5% of HelixAgent requests fail"
  - name: error-free traffic does not page
    interval: 1m
    input_series:
      - series: 'helixagent_requests_total{endpoint="/v1/models", method="GET", status="200"}'
        values: '0+100x20'
    alert_rule_test:
      - eval_time: 15m
        alertname: HelixAgentHighErrorRatio
        exp_alerts: []
YAML
promtool test rules /etc/prometheus/tests/helixagent_test.yml

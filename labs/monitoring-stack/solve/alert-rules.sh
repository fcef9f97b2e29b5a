#!/usr/bin/env bash
# Runs on the workstation: the course's error-ratio rule (lesson 4.3) and the provider-score
# rule, labelled for routing; validate, reload, wait for the degraded provider's alert.
set -euo pipefail
cat > /etc/prometheus/rules/helixagent.yml <<'YAML'
groups:
  - name: helixagent
    rules:
      - alert: HelixAgentHighErrorRatio
        expr: |
          sum(rate(helixagent_requests_total{status=~"5.."}[5m]))
            / sum(rate(helixagent_requests_total[5m])) > 0.05
        for: 5m
        labels:
          severity: page
          team: helixagent
        annotations:
          summary: "More than 5% of HelixAgent requests fail"
      - alert: ProviderDegraded
        expr: helixagent_provider_score < 7
        for: 30s
        labels:
          severity: warning
          team: helixagent
        annotations:
          summary: "Provider {{ $labels.provider }} score is {{ $value }} (below 7.0)"
YAML
promtool check rules /etc/prometheus/rules/helixagent.yml
curl -sf -X POST http://prometheus:9090/-/reload
for _ in $(seq 1 40); do
  n="$(curl -s http://prometheus:9090/api/v1/alerts | jq '[.data.alerts[] | select(.labels.alertname == "ProviderDegraded")] | length')"
  [ "$n" -ge 1 ] && exit 0
  sleep 1
done
echo "ProviderDegraded did not become active" >&2; exit 1

#!/usr/bin/env bash
# Runs on the workstation: the three recording rules, validated, loaded, and recorded once.
set -euo pipefail
cat > /etc/prometheus/rules/recording.yml <<'YAML'
groups:
  - name: helixagent-recording
    rules:
      - record: job:helixagent_requests:rate5m
        expr: sum by (job) (rate(helixagent_requests_total[5m]))
      - record: job:helixagent_requests_errors:rate5m
        expr: sum by (job) (rate(helixagent_requests_total{status=~"5.."}[5m]))
      - record: provider:helixagent_provider_score:min
        expr: min by (provider) (helixagent_provider_score)
YAML
promtool check rules /etc/prometheus/rules/recording.yml
curl -sf -X POST http://prometheus:9090/-/reload
for _ in $(seq 1 40); do
  n="$(curl -s http://prometheus:9090/api/v1/query --data-urlencode 'query=count(provider:helixagent_provider_score:min) + count(job:helixagent_requests_errors:rate5m)' | jq '.data.result | length')"
  [ "$n" -ge 1 ] && exit 0
  sleep 1
done
echo "the recording rules recorded nothing" >&2; exit 1

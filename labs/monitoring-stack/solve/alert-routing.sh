#!/usr/bin/env bash
# Runs on the workstation: Prometheus -> alertmanager:9093, and an Alertmanager route for
# team="helixagent" to receiver helixagent-oncall grouped by alertname and provider.
set -euo pipefail
if ! grep -q '^alerting:' /etc/prometheus/prometheus.yml; then
  cat >> /etc/prometheus/prometheus.yml <<'YAML'

alerting:
  alertmanagers:
    - static_configs:
        - targets: ["alertmanager:9093"]
YAML
fi
promtool check config /etc/prometheus/prometheus.yml
curl -sf -X POST http://prometheus:9090/-/reload
cat > /etc/alertmanager/alertmanager.yml <<'YAML'
route:
  receiver: default
  group_by: ["alertname"]
  group_wait: 10s
  group_interval: 30s
  repeat_interval: 1h
  routes:
    - matchers: ['team="helixagent"']
      receiver: helixagent-oncall
      group_by: [alertname, provider]

receivers:
  - name: default
  - name: helixagent-oncall
YAML
curl -sf -X POST http://alertmanager:9093/-/reload
for _ in $(seq 1 90); do
  r="$(curl -s http://alertmanager:9093/api/v2/alerts/groups | jq -r '[.[] | select(.receiver.name == "helixagent-oncall") | .alerts[] | select(.labels.alertname == "ProviderDegraded")] | length')"
  [ "$r" -ge 1 ] && exit 0
  sleep 1
done
echo "no ProviderDegraded alert reached helixagent-oncall" >&2; exit 1

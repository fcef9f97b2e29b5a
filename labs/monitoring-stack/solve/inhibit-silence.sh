#!/usr/bin/env bash
# Runs on the workstation: the HelixAgentInstanceDown page, an inhibition that mutes an instance's
# warnings while it is down, and a 2-hour maintenance silence for helixagent-3 made with amtool.
set -euo pipefail
if ! grep -q 'alert: HelixAgentInstanceDown' /etc/prometheus/rules/helixagent.yml; then
  cat >> /etc/prometheus/rules/helixagent.yml <<'YAML'
      - alert: HelixAgentInstanceDown
        expr: up{job="helixagent"} == 0
        for: 1m
        labels:
          severity: page
          team: helixagent
        annotations:
          summary: "{{ $labels.instance }} does not answer Prometheus' scrapes"
YAML
fi
promtool check rules /etc/prometheus/rules/helixagent.yml
curl -sf -X POST http://prometheus:9090/-/reload
if ! grep -q '^inhibit_rules:' /etc/alertmanager/alertmanager.yml; then
  cat >> /etc/alertmanager/alertmanager.yml <<'YAML'

inhibit_rules:
  - source_matchers: ['alertname="HelixAgentInstanceDown"']
    target_matchers: ['severity="warning"']
    equal: [instance]
YAML
fi
amtool check-config /etc/alertmanager/alertmanager.yml
curl -sf -X POST http://alertmanager:9093/-/reload
amtool silence add instance="helixagent-3:8080" --duration=2h --author="Lab 2 solution" \
  --comment="helixagent-3 maintenance: kernel update and reboot"
amtool silence query
for _ in $(seq 1 40); do
  curl -s http://prometheus:9090/api/v1/rules | jq -e '[.data.groups[].rules[] | select(.name == "HelixAgentInstanceDown")] | length > 0' >/dev/null && exit 0
  sleep 1
done
echo "HelixAgentInstanceDown was not loaded" >&2; exit 1

#!/usr/bin/env bash
# Runs on the workstation (learner): scrape the instances, the exporters and HAProxy; reload.
set -euo pipefail
cat > /etc/prometheus/prometheus.yml <<'YAML'
global:
  scrape_interval: 5s
  evaluation_interval: 5s

rule_files:
  - /etc/prometheus/rules/*.yml

scrape_configs:
  - job_name: prometheus
    static_configs:
      - targets: ["localhost:9090"]
  - job_name: helixagent
    static_configs:
      - targets: ["helixagent-1:8080", "helixagent-2:8080", "helixagent-3:8080"]
  - job_name: postgres
    static_configs:
      - targets: ["postgres-exporter:9187"]
  - job_name: redis
    static_configs:
      - targets: ["redis-exporter:9121"]
  - job_name: haproxy
    static_configs:
      - targets: ["lb:8404"]
YAML
promtool check config /etc/prometheus/prometheus.yml
curl -sf -X POST http://prometheus:9090/-/reload
# Wait for the first scrape of every target.
for _ in $(seq 1 30); do
  up="$(curl -s http://prometheus:9090/api/v1/targets | jq '[.data.activeTargets[] | select(.health == "up")] | length')"
  [ "$up" -ge 7 ] && exit 0
  sleep 1
done
echo "targets did not all come up" >&2; exit 1

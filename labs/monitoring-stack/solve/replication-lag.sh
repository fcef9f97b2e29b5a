#!/usr/bin/env bash
# Runs on the workstation: an alert on postgres_exporter's replication lag in bytes (WAL the
# primary has that the replica has not replayed), above 16 MiB for a minute.
set -euo pipefail
cat > /etc/prometheus/rules/postgres.yml <<'YAML'
groups:
  - name: postgres
    rules:
      - alert: PostgresReplicationLagHigh
        expr: pg_stat_replication_pg_wal_lsn_diff > 16 * 1024 * 1024
        for: 1m
        labels:
          severity: warning
          team: helixagent
        annotations:
          summary: "Replica {{ $labels.client_addr }} is {{ $value | humanize1024 }}B of WAL behind the primary"
YAML
promtool check rules /etc/prometheus/rules/postgres.yml
curl -sf -X POST http://prometheus:9090/-/reload
for _ in $(seq 1 40); do
  h="$(curl -s http://prometheus:9090/api/v1/rules | jq -r '[.data.groups[].rules[] | select(.name == "PostgresReplicationLagHigh") | .health] | first // ""')"
  [ "$h" = ok ] && exit 0
  sleep 1
done
echo "PostgresReplicationLagHigh was not evaluated" >&2; exit 1

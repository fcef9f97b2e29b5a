#!/usr/bin/env bash
# Step "replication-lag": the rule PostgresReplicationLagHigh, on postgres_exporter's real lag
# metric (pg_stat_replication_pg_wal_lsn_diff: bytes of WAL the primary has that the replica has
# not replayed), stays quiet at a lag of a few MB and fires above 16 MiB. The check makes the lag
# happen: it pauses replay on pg-replica (grader superuser) and writes WAL on pg-primary, and
# waits until Prometheus has scraped each lag before evaluating the rule's expression. Replay is
# resumed and the scratch table dropped on exit (and at the start, after a run stopped by its timeout).
set -u
fail() { echo "FAIL: $1"; [ -n "${2:-}" ] && echo "HINT: $2"; exit 1; }
prom=http://prometheus:9090
table=academy_check_replication_lag
cleanup() {
  PGHOST=pg-replica psql -qAtX -d postgres -c 'select pg_wal_replay_resume()' >/dev/null 2>&1
  psql -qAtX -c "drop table if exists public.$table" >/dev/null 2>&1
}
trap cleanup EXIT
# A previous run stopped by its timeout could not clean up: never leave the replica paused.
cleanup
query() { curl -s --max-time 5 "$prom/api/v1/query" --data-urlencode "query=$1"; }

rule="$(curl -s --max-time 3 "$prom/api/v1/rules?type=alert" | jq -c '[.data.groups[].rules[] | select(.name == "PostgresReplicationLagHigh")] | first // empty')" \
  || fail "Prometheus does not answer on prometheus:9090."
[ -n "$rule" ] || fail "Prometheus has no alerting rule PostgresReplicationLagHigh loaded." \
  "Write it in /etc/prometheus/rules/postgres.yml, promtool check rules it, then reload Prometheus."
[ "$(printf '%s' "$rule" | jq -r .health)" != err ] || fail "PostgresReplicationLagHigh fails to evaluate: $(printf '%s' "$rule" | jq -r .lastError)"
expr="$(printf '%s' "$rule" | jq -r .query)"
case "$expr" in
  *pg_stat_replication_pg_wal_lsn_diff*) ;;
  *) fail "PostgresReplicationLagHigh does not use the exporter's replication lag metric (its query: $expr)." \
       "See what postgres-exporter really exports: curl -s http://postgres-exporter:9187/metrics | grep -i lsn" ;;
esac
[ "$(query 'up{instance="postgres-exporter:9187"}' | jq -r '.data.result[0].value[1] // "0"')" = 1 ] \
  || fail "Prometheus does not scrape postgres-exporter:9187 (step 1)."
[ "$(query "$expr" | jq '.data.result | length')" = 0 ] || fail "PostgresReplicationLagHigh's expression is true now, with the replica caught up: check the threshold (16 MiB)."

PGHOST=pg-replica psql -qAtX -d postgres -c 'select pg_wal_replay_pause()' >/dev/null || fail "could not pause replay on pg-replica (is it running as a standby?)."
psql -qAtX -c "create table public.$table (n int, pad text)" >/dev/null || fail "could not write on pg-primary."
# lag_at_least BYTES: wait until Prometheus has scraped a lag of at least BYTES.
lag_at_least() {
  for _ in $(seq 1 40); do
    v="$(query 'max(pg_stat_replication_pg_wal_lsn_diff)' | jq -r '.data.result[0].value[1] // "0"')"
    awk -v v="$v" -v b="$1" 'BEGIN { exit !(v + 0 >= b) }' && return 0
    sleep 1
  done
  return 1
}
# About 4 MB of WAL: below the threshold.
psql -qAtX -c "insert into public.$table select g, md5(g::text) from generate_series(1, 40000) g" >/dev/null
lag_at_least 2000000 || fail "the replica fell behind, but Prometheus did not see pg_stat_replication_pg_wal_lsn_diff grow within 40 s (is postgres-exporter scraped every few seconds?)."
[ "$(query "$expr" | jq '.data.result | length')" = 0 ] || fail "PostgresReplicationLagHigh fires at a lag of about 4 MB: the threshold is 16 MiB."
# Three WAL segment switches move the primary's position to the next 16 MiB boundary each time
# (a row first, so no switch is a no-op): 40 MB or more, well above the threshold, in a moment.
for _ in 1 2 3; do
  psql -qAtX -c "insert into public.$table values (0, 'switch')" -c 'select pg_switch_wal()' >/dev/null
done
lag_at_least 33554432 || fail "the replica fell more than 32 MB behind, but Prometheus did not see it within 40 s."
[ "$(query "$expr" | jq '.data.result | length')" -ge 1 ] || fail "the replica is more than 32 MB behind and PostgresReplicationLagHigh's expression is still false."
[ "$(printf '%s' "$rule" | jq -r '.labels.severity // empty')" != "" ] || fail "PostgresReplicationLagHigh has no severity label."
echo "PostgresReplicationLagHigh stays quiet at a few MB of replication lag and fires above 16 MiB ($expr)."

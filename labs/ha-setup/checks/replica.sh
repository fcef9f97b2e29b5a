#!/usr/bin/env bash
# Step "replica": pg-replica is a streaming standby of THIS sandbox's primary, and a row written
# on the primary now shows up on the replica within seconds. Runs on the grader (PG* -> pg-primary).
# After the failover steps the two hosts have swapped roles (pg-replica primary, pg-primary its
# standby); the same evidence is then asked of them the other way round.
set -u
fail() { echo "FAIL: $1"; [ -n "${2:-}" ] && echo "HINT: $2"; exit 1; }
P=pg-primary; R=pg-replica
if [ "$(psql -X -At -h pg-replica -d helixagent_db -c 'select pg_is_in_recovery()' 2>/dev/null)" = f ] &&
  [ "$(psql -X -At -h pg-primary -d helixagent_db -c 'select pg_is_in_recovery()' 2>/dev/null)" = t ]; then
  P=pg-replica; R=pg-primary
fi
primary() { psql -X -At -v ON_ERROR_STOP=1 -h "$P" -d helixagent_db -c "$1" 2>&1; }
replica() { psql -X -At -v ON_ERROR_STOP=1 -h "$R" -d helixagent_db -c "$1" 2>&1; }
# Acknowledged writes the grader made, kept on its own file system: the failover steps prove
# none of them was lost (steps "pg-promote", "pg-rewind").
LEDGER=/tmp/academy-ha-ledger

replica_ip="$(getent hosts "$R" | awk '{print $1; exit}')"
streaming="$(primary "select count(*) from pg_stat_replication where state = 'streaming' and host(client_addr) = '$replica_ip'")" \
  || fail "could not query pg_stat_replication on $P: $streaming"
if [ "$streaming" -lt 1 ]; then
  if ! replica "select 1" >/dev/null; then
    fail "$R does not accept connections yet: PostgreSQL is not running there." \
      "On pg-replica, clone the primary with pg_basebackup -h pg-primary -U replicator -D \"\$PGDATA\" -R -X stream -P; the host starts PostgreSQL once the backup is complete."
  fi
  fail "$P's pg_stat_replication shows no streaming connection from $R ($replica_ip)." \
    "Did you pass -R to pg_basebackup? Without it the copy starts as a second primary instead of a standby."
fi

in_recovery="$(replica "select pg_is_in_recovery()")" || fail "could not query $R: $in_recovery"
[ "$in_recovery" = t ] || fail "$R is not in recovery (pg_is_in_recovery() = $in_recovery): it is not a standby." \
  "Start over on pg-replica: pg_ctl -D \"\$PGDATA\" stop -m fast && rm -rf \"\$PGDATA\"/*, then pg_basebackup ... -R"

sysid_primary="$(primary "select system_identifier from pg_control_system()")"
sysid_replica="$(replica "select system_identifier from pg_control_system()")"
[ "$sysid_primary" = "$sysid_replica" ] || fail "$R is not a copy of $P (system identifiers differ)." \
  "Clone it from pg-primary with pg_basebackup."

# A fresh token written on the primary must be replayed on the replica.
token="probe-${ACADEMY_SEED:-0}-$RANDOM$RANDOM"
primary "create table if not exists public.academy_replication_probe (token text primary key, written_at timestamptz not null default now());
         insert into public.academy_replication_probe (token) values ('$token')" >/dev/null || fail "could not write a probe row on $P."
for _ in $(seq 1 25); do
  seen="$(replica "select count(*) from public.academy_replication_probe where token = '$token'" 2>/dev/null || echo 0)"
  if [ "$seen" = 1 ]; then
    printf 'sysid %s\nprobe %s\n' "$sysid_primary" "$token" >>"$LEDGER"
    echo "$R streams from $P; a row written just now was replayed on it."
    exit 0
  fi
  sleep 0.2
done
fail "a row written on $P did not reach $R within 5 s." \
  "Compare sent_lsn and replay_lsn in pg_stat_replication on the primary; is replay paused on the replica?"

#!/usr/bin/env bash
# Step "pg-rewind": the old primary is back as a streaming standby of the new one (pg-replica):
# in recovery, the same cluster, listed in pg-replica's pg_stat_replication, and it holds every
# write the grader saw acknowledged — before the failover and after (its ledger) — plus a debate
# created through the instances just now, and every debate the grader's background writer got
# acknowledged. Once it passes, the writer has done its job and stops. Runs on the grader
# (docs/decisions/037).
set -u
source /academy/lib/ledger.sh
fail() { echo "FAIL: $1"; [ -n "${2:-}" ] && echo "HINT: $2"; exit 1; }
q() { psql -X -At -v ON_ERROR_STOP=1 -h "$1" -d helixagent_db -c "$2" 2>&1; }

[ "$(q pg-replica 'select pg_is_in_recovery()')" = f ] || fail "pg-replica is not the primary: do the failover steps first."
old="$(q pg-primary 'select pg_is_in_recovery()')" \
  || fail "pg-primary does not accept connections: the old primary has not been rebuilt and started." \
    "On pg-primary: pg_rewind --target-pgdata=\"\$PGDATA\" --source-server=\"host=pg-replica user=replicator dbname=helixagent_db\" -R -P, then pg_ctl -D \"\$PGDATA\" -l /var/lib/postgresql/postgres.log start"
[ "$old" = t ] || fail "pg-primary accepts writes again next to pg-replica: two primaries (split brain)." \
  "Stop it (pg_ctl -D \"\$PGDATA\" stop -m fast), rewind it onto pg-replica's timeline with pg_rewind ... -R, then start it as a standby."
[ "$(q pg-primary 'select system_identifier from pg_control_system()')" = "$(q pg-replica 'select system_identifier from pg_control_system()')" ] \
  || fail "pg-primary is not a copy of pg-replica (system identifiers differ)."
ip="$(getent hosts pg-primary | awk '{print $1; exit}')"
streaming=0
for _ in $(seq 1 20); do
  streaming="$(q pg-replica "select count(*) from pg_stat_replication where state = 'streaming' and host(client_addr) = '$ip'")"
  [ "$streaming" -ge 1 ] 2>/dev/null && break; sleep 0.5
done
[ "$streaming" -ge 1 ] 2>/dev/null || fail "pg-replica's pg_stat_replication shows no streaming connection from pg-primary ($ip)." \
  "pg_rewind -R writes standby.signal and primary_conninfo; without -R the rebuilt server has no primary to follow. Look at /var/lib/postgresql/postgres.log on pg-primary."

# The writer has done its job: stopped first, so the ledger holds still while it is compared.
writer_stop
# A fresh write through the instances, then every acknowledged write on both servers.
topic="rewind-check-$(cat /proc/sys/kernel/random/uuid)"
code="$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
  -d "{\"topic\":\"$topic\",\"rounds\":1}" http://lb:8080/v1/debates)"
[ "$code" = 201 ] || fail "creating a debate through lb:8080 answered $code: the instances cannot write." "Do the step \"Repoint PgBouncer\" first."
printf 'debate %s\n' "$topic" >>"$LEDGER"
# The standby may replay the newest ones a moment later: ask again for up to 10 s.
for host in pg-replica pg-primary; do
  for _ in $(seq 1 20); do
    missing="$(ledger_missing "$host")"
    [ $? -ne 2 ] || fail "could not compare the ledger with $host: $missing"
    [ -n "$missing" ] || break
    sleep 0.5
  done
  [ -z "$missing" ] || fail "$(printf '%s\n' "$missing" | wc -l) acknowledged write(s) are missing on $host: $(printf '%s\n' "$missing" | head -3 | paste -sd, -)" \
    "The rebuilt standby replays everything the new primary has; if it is behind, look at replay_lsn in pg_stat_replication on pg-replica."
done
grep -q '^rewound ' "$LEDGER" || printf 'rewound %s\n' "$(date +%s%3N)" >>"$LEDGER"
count="$(ledger_owed | wc -l)"
echo "pg-primary streams from pg-replica as a standby; all $count acknowledged writes (before, during and after the failover) are on both servers."

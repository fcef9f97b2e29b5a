#!/usr/bin/env bash
# Step "pg-repoint": PgBouncer's helixagent route now leads to the promoted pg-replica (as PgBouncer
# runs, SHOW DATABASES, not the file), and the instances serve again: debates created through
# lb:8080 with topics the grader makes up are acknowledged and stored on pg-replica. Their topics
# go to the grader's ledger, so the rebuild step proves they survive. The grader's background
# writer (started by the synchronous-replication step) must be acknowledged again after the
# promotion, and every write in the ledger (before, during and after the failover) must be on
# pg-replica. Runs on the grader (docs/decisions/037).
set -u
source /academy/lib/ledger.sh
fail() { echo "FAIL: $1"; [ -n "${2:-}" ] && echo "HINT: $2"; exit 1; }
q() { psql -X -At -v ON_ERROR_STOP=1 -h "$1" -d helixagent_db -c "$2" 2>&1; }
bouncer() { PGOPTIONS='' PGUSER=helixagent PGPASSWORD="$APP_PGPASSWORD" psql -X -At -h pgbouncer -p 6432 "$@" 2>&1; }
if writer_wanted; then writer_ensure; fi

[ "$(q pg-replica 'select pg_is_in_recovery()')" = f ] || fail "pg-replica is not a primary: promote it first (step \"Promote the replica\")."
databases="$(bouncer -F '|' -d pgbouncer -c 'show databases')" || fail "could not reach PgBouncer's admin console: $databases"
route="$(printf '%s\n' "$databases" | awk -F'|' '$1 == "helixagent" { print $2 "|" $4; exit }')"
[ "$route" = "pg-replica|helixagent_db" ] || fail "PgBouncer's helixagent route leads to '${route:-nothing}' (host|dbname), expected pg-replica|helixagent_db: the instances still write to the lost primary." \
  "In /etc/pgbouncer/pgbouncer.ini set helixagent = host=pg-replica port=5432 dbname=helixagent_db, then RELOAD on the admin console (an edited file alone changes nothing)."
where="$(bouncer -d helixagent -c 'select pg_is_in_recovery()')"
[ "$where" = f ] || fail "a query through pgbouncer/helixagent did not reach a primary: $where"

# Writes through the instances: each debate must be acknowledged (201) and stored on pg-replica.
# The instances may need a few seconds to notice the database is back.
written=0; last=""
for i in 1 2 3 4 5; do
  topic="failover-check-$(cat /proc/sys/kernel/random/uuid)"
  code=""
  for _ in $(seq 1 20); do
    code="$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
      -d "{\"topic\":\"$topic\",\"rounds\":1}" http://lb:8080/v1/debates)"
    [ "$code" = 201 ] && break
    last="$code"; sleep 1
  done
  [ "$code" = 201 ] || fail "creating a debate through lb:8080 answered ${last:-no response} for 20 s: the instances cannot write." \
    "Look at curl -s http://helixagent-1:8080/health | jq .database and at SHOW POOLS on PgBouncer's admin console."
  n="$(q pg-replica "select count(*) from public.debates where topic = '$topic'")"
  [ "$n" = 1 ] || fail "a debate the instances acknowledged is not on pg-replica (count: $n): the writes go somewhere else."
  printf 'debate %s\n' "$topic" >>"$LEDGER"
  written=$((written + 1))
done

# The background writer's debates go through the same instances: acknowledged again since the
# promotion (it retries once a second; give it a moment after a fresh RELOAD).
resumed=""
if writer_started; then
  promoted="$(awk '$1 == "promoted" { print $2; exit }' "$LEDGER")"
  for _ in $(seq 1 20); do [ "$(writer_acks_since "${promoted:-0}")" -ge 1 ] && break; sleep 1; done
  acks="$(writer_acks_since "${promoted:-0}")"
  [ "$acks" -ge 1 ] || fail "the grader's background writer has had no debate acknowledged since the promotion, although the check's own debates were: its writes did not resume." \
    "Look at curl -s http://lb:8080/ready and HAProxy's stats: do all instances serve again?"
  resumed=" The grader's background writer writes again: $acks debate(s) acknowledged since the promotion."
fi
missing="$(ledger_missing pg-replica)"
[ $? -ne 2 ] || fail "could not compare the ledger with pg-replica: $missing"
[ -z "$missing" ] || fail "$(printf '%s\n' "$missing" | wc -l) acknowledged write(s) are not on pg-replica: $(printf '%s\n' "$missing" | head -3 | paste -sd, -)" \
  "Every write the instances acknowledged, before the failover and since, must be on the new primary."
echo "PgBouncer's helixagent route leads to pg-replica; $written debates created through lb:8080 were acknowledged and stored there, with all $(ledger_owed | wc -l) acknowledged writes.$resumed"

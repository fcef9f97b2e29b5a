#!/usr/bin/env bash
# Step "pooler": PgBouncer RUNS with the course's settings (video 2.3) and routes helixagent to
# the primary and helixagent_ro to the replica. Asks PgBouncer's admin console (SHOW CONFIG,
# SHOW DATABASES), so an edited but not reloaded file does not pass. Runs on the grader.
set -u
fail() { echo "FAIL: $1"; [ -n "${2:-}" ] && echo "HINT: $2"; exit 1; }
# Through PgBouncer as the app's role (PgBouncer knows no other); it also refuses PGOPTIONS.
bouncer() { PGOPTIONS='' PGUSER=helixagent PGPASSWORD="$APP_PGPASSWORD" psql -X -At -h pgbouncer -p 6432 "$@" 2>&1; }
admin() { bouncer -F '|' -d pgbouncer -c "$1"; }

config="$(admin "show config")" || fail "could not reach PgBouncer's admin console on pgbouncer:6432: $config"
declare -A want=(
  [pool_mode]=transaction [max_client_conn]=1000 [default_pool_size]=20 [min_pool_size]=5
  [reserve_pool_size]=5 [reserve_pool_timeout]=3 [max_db_connections]=50
)
wrong=()
for key in pool_mode max_client_conn default_pool_size min_pool_size reserve_pool_size reserve_pool_timeout max_db_connections; do
  have="$(printf '%s\n' "$config" | awk -F'|' -v k="$key" '$1 == k { print $2; exit }')"
  # reserve_pool_timeout is shown as seconds, possibly with decimals ("3" or "3.0").
  if [ "$key" = reserve_pool_timeout ]; then have="${have%.0}"; have="${have%.000000}"; fi
  [ "$have" = "${want[$key]}" ] || wrong+=("$key = ${have:-?} (course: ${want[$key]})")
done
if [ "${#wrong[@]}" -gt 0 ]; then
  for w in "${wrong[@]}"; do echo "FAIL: PgBouncer is running with $w"; done
  echo "HINT: Edit /etc/pgbouncer/pgbouncer.ini on pgbouncer, then reload it: psql -h pgbouncer -p 6432 -U helixagent -d pgbouncer -c RELOAD"
  exit 1
fi

databases="$(admin "show databases")" || fail "SHOW DATABASES failed: $databases"
db_line() { printf '%s\n' "$databases" | awk -F'|' -v n="$1" '$1 == n { print $2 "|" $4; exit }'; }
# helixagent on the primary, helixagent_ro on the standby: pg-primary and pg-replica, or the
# other way round once the failover steps have swapped them (the queries below say which is which).
rw_line="$(db_line helixagent)"
case "$rw_line" in
  "pg-primary|helixagent_db" | "pg-replica|helixagent_db") ;;
  *) fail "PgBouncer's database helixagent points at '$rw_line' (host|dbname), expected pg-primary|helixagent_db." ;;
esac
ro="$(db_line helixagent_ro)"
[ -n "$ro" ] || fail "PgBouncer has no database helixagent_ro." \
  "Add to [databases]: helixagent_ro = host=pg-replica port=5432 dbname=helixagent_db — then RELOAD."
case "$ro" in
  "pg-primary|helixagent_db" | "pg-replica|helixagent_db") [ "$ro" != "$rw_line" ] ;;
  *) false ;;
esac || fail "helixagent_ro points at '$ro' (host|dbname), expected pg-replica|helixagent_db (the other server than helixagent's)."

# And the routes really land where they should.
rw="$(bouncer -d helixagent -c "select pg_is_in_recovery()")"
[ "$rw" = f ] || fail "a query through pgbouncer/helixagent did not reach the primary (pg_is_in_recovery: $rw)."
ro_result="$(bouncer -d helixagent_ro -c "select pg_is_in_recovery()")"
[ "$ro_result" = t ] || fail "a query through pgbouncer/helixagent_ro did not reach a standby: $ro_result" \
  "helixagent_ro needs the streaming replica from the first step."
echo "PgBouncer runs with the course's pool settings; helixagent -> primary, helixagent_ro -> replica."

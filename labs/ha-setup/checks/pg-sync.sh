#!/usr/bin/env bash
# Step "pg-sync": the primary's commits wait for the standby (synchronous replication), so a
# write the instances acknowledge is on the standby before the client hears "201" and survives
# the primary's loss (docs/decisions/037). Asked of the primary as the grader's role: the
# standby's connection in pg_stat_replication is `sync` (or `quorum`), and the app's own
# sessions (role helixagent, database helixagent_db) run with a synchronous_commit that waits
# for it. Then, before the failover, the grader's background writer starts: a debate through
# lb:8080 about once a second, each acknowledged one owed in the ledger. After the failover the
# same is asked of the new pair (pg-replica primary, the rebuilt pg-primary its standby).
set -u
source /academy/lib/ledger.sh
fail() { echo "FAIL: $1"; [ -n "${2:-}" ] && echo "HINT: $2"; exit 1; }
q() { psql -X -At -v ON_ERROR_STOP=1 -h "$1" -d helixagent_db -c "$2" 2>&1; }
P=pg-primary; R=pg-replica
if [ "$(q pg-replica 'select pg_is_in_recovery()' 2>/dev/null)" = f ] &&
  [ "$(q pg-primary 'select pg_is_in_recovery()' 2>/dev/null)" = t ]; then
  P=pg-replica; R=pg-primary
fi
setting="ALTER SYSTEM SET synchronous_standby_names"

state="$(q "$P" 'select pg_is_in_recovery()')" || fail "$P does not accept connections: ${state##*$'\n'}"
[ "$state" = f ] || fail "$P is in recovery: there is no primary to make synchronous." "Do the step \"Stream to the replica\" first."
ip="$(getent hosts "$R" | awk '{print $1; exit}')"
row="$(q "$P" "select application_name || '|' || sync_state from pg_stat_replication where state = 'streaming' and host(client_addr) = '$ip'")" \
  || fail "could not query pg_stat_replication on $P: ${row##*$'\n'}"
[ -n "$row" ] || fail "$P's pg_stat_replication shows no streaming connection from $R ($ip): there is no standby to wait for." \
  "Do the step \"Stream to the replica\" first."
app="${row%%|*}"; sync_state="${row##*|}"
names="$(q "$P" 'show synchronous_standby_names')"
case "$sync_state" in
  sync | quorum) ;;
  *) fail "$R streams from $P, but as '$sync_state' (synchronous_standby_names = '${names}'): commits do not wait for it, so a write acknowledged just before $P is lost can be missing on $R." \
    "Name the standby as pg_stat_replication shows it (application_name '$app'): $setting = '$app', then select pg_reload_conf(). A name that matches no standby makes every commit wait for ever." ;;
esac
commit="$(PGOPTIONS='' PGUSER=helixagent PGPASSWORD="$APP_PGPASSWORD" psql -X -At -h "$P" -d helixagent_db -c 'show synchronous_commit' 2>&1)" \
  || fail "could not connect to $P as helixagent: ${commit##*$'\n'}"
case "$commit" in
  on | remote_write | remote_apply) ;;
  *) fail "the app's sessions (helixagent in helixagent_db) run with synchronous_commit = $commit: their commits do not wait for the standby." \
    "Remove the override: ALTER ROLE helixagent RESET synchronous_commit and ALTER DATABASE helixagent_db RESET synchronous_commit." ;;
esac

# Before the failover: the writer starts (or gets another WRITER_MINUTES) and has a moment to
# make its first writes.
if ! grep -q '^promoted ' "$LEDGER" 2>/dev/null; then
  since="$(date +%s%3N)"
  printf 'sync %s\n' "$since" >>"$LEDGER"
  writer_ensure
  for _ in $(seq 1 10); do [ "$(writer_acks_since "$since")" -ge 1 ] && break; sleep 0.5; done
  echo "$R is $P's synchronous standby ('$app', $sync_state; synchronous_commit = $commit): a commit returns only once $R has it."
  echo "The grader now writes a debate through lb:8080 about once a second ($(writer_acks_since 0) acknowledged so far) and keeps at it for $WRITER_MINUTES minutes; the failover steps prove none of the acknowledged ones is lost."
  exit 0
fi
echo "$R is $P's synchronous standby ('$app', $sync_state; synchronous_commit = $commit): a commit returns only once $R has it."

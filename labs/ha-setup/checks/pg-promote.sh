#!/usr/bin/env bash
# Step "pg-promote": the primary is lost and pg-replica has been promoted. pg-replica must be out
# of recovery, still the same cluster (system identifier the replica step recorded), hold every
# write the grader saw acknowledged (its ledger, on the grader's own file system: the replica
# check's probe rows and every debate the background writer got a 201 for, up to the moment the
# primary was lost), and it must be the only primary: pg-primary must not accept writes. Runs on
# the grader; keeps the writer going (docs/decisions/037).
set -u
source /academy/lib/ledger.sh
fail() { echo "FAIL: $1"; [ -n "${2:-}" ] && echo "HINT: $2"; exit 1; }
q() { psql -X -At -v ON_ERROR_STOP=1 -h "$1" -d helixagent_db -c "$2" 2>&1; }
if writer_wanted; then writer_ensure; fi

state="$(q pg-replica 'select pg_is_in_recovery()')" \
  || fail "pg-replica does not accept connections: ${state##*$'\n'}" "PostgreSQL runs there once the replica step is done; look at its terminal."
old="$(q pg-primary 'select pg_is_in_recovery()' 2>/dev/null)" || old=down
if [ "$state" = t ]; then
  [ "$old" = down ] || fail "pg-primary is still running as the primary, and pg-replica is its standby: nothing has failed over yet." \
    "Lose the primary first: in the pg-primary terminal, pg_ctl -D \"\$PGDATA\" stop -m immediate"
  fail "pg-primary is down, but pg-replica is still in recovery (a read-only standby): nobody promoted it, so nothing accepts writes." \
    "Promote it: psql -h pg-replica -U helixagent -d helixagent_db -c \"select pg_promote()\""
fi
[ "$state" = f ] || fail "could not ask pg-replica whether it is in recovery: $state"
[ "$old" != f ] || fail "pg-primary AND pg-replica both accept writes: two primaries (split brain). Writes through different paths now diverge." \
  "The old primary must stay down until it is rebuilt as a standby: pg_ctl -D \"\$PGDATA\" stop -m immediate on pg-primary."

sysid="$(q pg-replica 'select system_identifier from pg_control_system()')"
recorded="$(awk '$1 == "sysid" { print $2 }' "$LEDGER" 2>/dev/null | tail -1)"
[ -n "$recorded" ] || fail "the grader has no record of the replica step in this sandbox: pass \"Stream to the replica\" first."
[ "$sysid" = "$recorded" ] || fail "pg-replica is a different cluster (system identifier $sysid) from the one that streamed from pg-primary ($recorded): a new initdb, not a promoted standby." \
  "Promote the standby you cloned in the first step; a fresh cluster has none of the data."

# Every acknowledged write: the replica check's probes, the writer's debates up to the loss.
missing="$(ledger_missing pg-replica)"
[ $? -ne 2 ] || fail "could not compare the ledger with pg-replica: $missing"
if [ -n "$missing" ]; then
  n="$(printf '%s\n' "$missing" | wc -l)"
  fail "$n write(s) acknowledged before the failover are not on the promoted pg-replica: $(printf '%s\n' "$missing" | head -3 | paste -sd, -)" \
    "An acknowledged write that the standby never received is lost when the primary dies: was replication synchronous (step \"Make replication synchronous\") when pg-primary was lost?"
fi
count="$(ledger_owed | wc -l)"
grep -q '^promoted ' "$LEDGER" 2>/dev/null || printf 'promoted %s\n' "$(date +%s%3N)" >>"$LEDGER"
echo "pg-replica is the only primary now, the same cluster, with all $count write(s) the grader saw acknowledged."
if writer_started; then
  sync_since="$(awk '$1 == "sync" { print $2; exit }' "$LEDGER")"
  echo "The grader's writer: $(writer_acks_since "$sync_since") debate(s) acknowledged since you made replication synchronous (all on pg-replica), $(writer_refused_since "$sync_since") refused or unanswered (never acknowledged, so not owed)."
fi

#!/usr/bin/env bash
# Step "pg-promote": the primary is lost and pg-replica has been promoted. pg-replica must be out
# of recovery, still the same cluster (system identifier the replica step recorded), hold every
# write the grader made and saw acknowledged before (its ledger, on the grader's own file
# system), and it must be the only primary: pg-primary must not accept writes. Runs on the grader.
set -u
fail() { echo "FAIL: $1"; [ -n "${2:-}" ] && echo "HINT: $2"; exit 1; }
q() { psql -X -At -v ON_ERROR_STOP=1 -h "$1" -d helixagent_db -c "$2" 2>&1; }
LEDGER=/tmp/academy-ha-ledger

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

# Every acknowledged write the grader made before the failover.
missing=()
while read -r kind value; do
  case "$kind" in
    probe) n="$(q pg-replica "select count(*) from public.academy_replication_probe where token = '$value'")" ;;
    debate) n="$(q pg-replica "select count(*) from public.debates where topic = '$value'")" ;;
    *) continue ;;
  esac
  [ "$n" = 1 ] || missing+=("$kind $value")
done < <(grep -E '^(probe|debate) [A-Za-z0-9:_-]+$' "$LEDGER" 2>/dev/null)
[ "${#missing[@]}" = 0 ] || fail "${#missing[@]} write(s) that pg-primary acknowledged before it was lost are not on the promoted pg-replica: ${missing[*]:0:3}" \
  "Was replication caught up? Compare sent_lsn and replay_lsn in pg_stat_replication before you lose the primary."
count="$(grep -cE '^(probe|debate) ' "$LEDGER" 2>/dev/null)"
echo "pg-replica is the only primary now, the same cluster, with all $count write(s) the grader saw acknowledged before the failover."

#!/bin/bash
# Step pitr: the cluster on pg-pitr is pg-primary's, recovered to just before the DROP: every
# invoice from before the base backup and from every batch written after it, each batch with the
# transaction id it was written with on pg-primary (so replayed from WAL, not typed in), and the
# table still there. Expected rows are computed on pg-primary; pg-pitr (the learner's superuser
# playground) only ever receives queries without secrets. Reports the achieved RPO.
source /academy/lib/dr.sh
source /academy/lib/pitr.sh
fail() { echo "FAIL: $1"; shift; for h in "$@"; do echo "HINT: $h"; done; exit 1; }
destroyed=$(pitr_destroyed_at)
[ -n "$destroyed" ] || fail "The destruction has not happened yet, so there is nothing to recover." \
  "Pass the step \"Archive WAL and take a base backup\" first: its check lets the cleanup job loose."

if ! err=$(psql_pitr -c 'SELECT 1' 2>&1 >/dev/null); then
  case "$err" in
    *"password authentication failed"*|*"does not exist"*|*"no pg_hba.conf entry"*)
      fail "The PostgreSQL on pg-pitr is not a restore of pg-primary's cluster (it does not know pg-primary's roles and databases)." \
        "Restore the base backup you took of pg-primary into \$PGDATA on pg-pitr; do not initdb a new cluster." ;;
    *)
      fail "pg-pitr does not accept connections on port 5432: no restored cluster is running there." \
        "On pg-pitr: unpack your base backup into \$PGDATA, configure recovery, then pg_ctl -D \"\$PGDATA\" -l ~/pitr.log start; its log is ~/pitr.log." ;;
  esac
fi
[ "$(psql_pitr -c 'SELECT system_identifier FROM pg_control_system()')" = "$(psql_q -d postgres -c 'SELECT system_identifier FROM pg_control_system()')" ] \
  || fail "The cluster on pg-pitr is not a copy of pg-primary's (different system identifier)."
if [ "$(psql_pitr -c 'SELECT pg_is_in_recovery()')" = t ]; then
  fail "pg-pitr is still in recovery (replaying, or paused at the target): it is not a usable database yet." \
    "With recovery_target_action = 'promote' it opens by itself at the target; if it paused, check the data and SELECT pg_wal_replay_resume() to promote. ~/pitr.log says which."
fi
if [ "$(psql_pitr -c "SELECT to_regclass('public.invoices') IS NOT NULL")" != t ]; then
  fail "billing_db on pg-pitr has no table invoices: the DROP TABLE was replayed, so the recovery went past the destruction." \
    "Set recovery_target_time to a moment before the DROP's transaction (see ~/ops/billing.log); without a target, recovery replays every archived segment, including the DROP."
fi

actual=$(psql_pitr -c "$(pitr_digest_sql public.invoices)") || fail "The grader cannot read billing_db.public.invoices on pg-pitr."
expected=$(pitr_expected_digests)
declare -A got want
while read -r b n d; do [ -n "$b" ] && got[$b]="$n $d"; done <<<"$actual"
while read -r b n d; do [ -n "$b" ] && want[$b]="$n $d"; done <<<"$expected"
[ "${got[0]:-}" = "${want[0]}" ] || fail "The invoices from before your base backup are not the ones pg-primary had (count or contents differ)." \
  "Restore the base backup unchanged; do not edit billing_db on pg-pitr."
missing=() wrong=()
for b in $(seq 1 "$PITR_BATCHES"); do
  if [ -z "${got[$b]:-}" ]; then missing+=("$b"); elif [ "${got[$b]}" != "${want[$b]}" ]; then wrong+=("$b"); fi
done
if [ "${#missing[@]}" = "$PITR_BATCHES" ]; then
  fail "None of the $((PITR_BATCHES * PITR_BATCH_ROWS)) invoices written after your base backup are on pg-pitr: only the base backup was restored, no archived WAL was replayed." \
    "Recovery needs restore_command (to fetch segments from /mnt/wal-archive) and a recovery.signal file in \$PGDATA, next to recovery_target_time."
fi
if [ "${#missing[@]}" != 0 ]; then
  fail "Batches ${missing[*]} of the invoices written before the DROP are missing on pg-pitr: the recovery stopped too early." \
    "Choose the latest moment before the DROP's transaction: every batch in ~/ops/billing.log committed before it."
fi
[ "${#wrong[@]}" = 0 ] || fail "The invoices of batch(es) ${wrong[*]} on pg-pitr differ from those pg-primary wrote (count or contents)." "Recover again from the base backup without editing the restored data."
[ "$actual" = "$expected" ] || fail "billing_db.public.invoices on pg-pitr holds rows pg-primary never had."
# Each batch was one transaction on pg-primary; a replayed row keeps its xmin.
while read -r b xid; do
  seen=$(psql_pitr -c "SELECT string_agg(DISTINCT xmin::text, ',') FROM public.invoices WHERE batch = $b")
  [ "$seen" = "$xid" ] || fail "The invoices of batch $b on pg-pitr were not written by the transaction that wrote them on pg-primary: they were inserted by hand, not replayed from the WAL archive." \
    "Recover from the base backup with restore_command and recovery_target_time."
done < "$STATE_DIR/pitr_batches"

last=$(psql_pitr -c 'SELECT coalesce(extract(epoch FROM pg_last_xact_replay_timestamp())::text, $$$$)')
[ -n "$last" ] || fail "pg-pitr reports no replayed transaction (pg_last_xact_replay_timestamp() is empty)." "Recover with restore_command from the WAL archive."
read -r rpo met <<<"$(awk -v d="$destroyed" -v l="$last" -v o="$RPO_OBJECTIVE_SECONDS" 'BEGIN { r = d - l; printf "%.1f %s", r, (r <= o ? "met" : "missed") }')"
echo "OK: billing_db is recovered on pg-pitr to just before the DROP: all $((PITR_PRE_ROWS + PITR_BATCHES * PITR_BATCH_ROWS)) invoices, each batch replayed from WAL."
echo "RPO achieved: $rpo s (last recovered transaction $(date -u -d "@${last%.*}" +%H:%M:%S) UTC, DROP at $(date -u -d "@${destroyed%.*}" +%H:%M:%S) UTC); objective 1 hour: $met."

# Lab 4 (dr-test), point-in-time recovery (steps wal-archive and pitr): the grader's billing data,
# the destruction and what the checks compare. Sourced on the grader after dr.sh. Decision record:
# docs/decisions/033-dr-lab-point-in-time-recovery.md.
#
# billing_db belongs to the grader (academy_grader); the learner's role helixagent may not even
# connect to it, so the learner sees its rows only in what they restore from their own base backup
# and WAL archive. The row values come from a secret tied to the sandbox's control token (never in
# a learner's environment), so nobody can type them in; each batch written after the base backup
# is recorded with its transaction id, which a replayed row keeps (xmin) and a row inserted by hand
# cannot have. On pg-pitr the learner is superuser of their own restored copy: the grader sends it
# no secret (it reads rows there and computes the expected values on pg-primary) and logs in as
# pitr_auditor, a role whose password is used nowhere else.

PITR_SECRET=$(printf 'pitr-rows:%s:%s' "$ACADEMY_SEED" "$HELIXAGENT_CONTROL_TOKEN" | sha256sum | cut -c1-32)
PITR_AUDITOR_PASSWORD=$(printf 'pitr-auditor:%s:%s' "$ACADEMY_SEED" "$HELIXAGENT_CONTROL_TOKEN" | sha256sum | cut -c1-32)
# Rows before the base backup (setup), and the batches written between the base backup and the
# destruction (when the wal-archive check passes): both differ per learner.
PITR_PRE_ROWS=$((300 + 16#${SEED_HEX:4:4} % 500))
PITR_BATCH_ROWS=$((20 + 16#${SEED_HEX:8:4} % 30))
PITR_BATCHES=4
PITR_DB=billing_db
WAL_ARCHIVE_DIR=/wal-archive
RPO_OBJECTIVE_SECONDS=3600
PITR_HOST=pg-pitr
BILLING_LOG=$OPS_DIR/billing.log

# The rows of one batch (0: before the base backup) as a SELECT of (id, batch, token).
pitr_rows_sql() {
  local batch=$1 first last
  if [ "$batch" = 0 ]; then first=1; last=$PITR_PRE_ROWS
  else first=$((PITR_PRE_ROWS + (batch - 1) * PITR_BATCH_ROWS + 1)); last=$((PITR_PRE_ROWS + batch * PITR_BATCH_ROWS)); fi
  echo "SELECT i AS id, $batch AS batch, md5('$PITR_SECRET:' || i) AS token FROM generate_series($first, $last) AS i"
}

# count and digest of a relation or subquery with (id, batch, token), per batch: "batch count md5" lines.
pitr_digest_sql() {
  echo "SELECT batch || ' ' || count(*) || ' ' || md5(string_agg(id || '|' || token, ',' ORDER BY id)) FROM $1 AS t GROUP BY batch ORDER BY batch"
}

pitr_expected_digests() {
  local b union=''
  for b in $(seq 0 "$PITR_BATCHES"); do union="${union:+$union UNION ALL }$(pitr_rows_sql "$b")"; done
  psql_q -d postgres -c "$(pitr_digest_sql "($union)")"
}

# psql on the learner's restored cluster, as the auditor role.
psql_pitr() {
  PGPASSWORD=$PITR_AUDITOR_PASSWORD PGCONNECT_TIMEOUT=5 psql -X -q -t -A -v ON_ERROR_STOP=1 \
    -h "$PITR_HOST" -p 5432 -U pitr_auditor -d "$PITR_DB" "$@"
}

ts_sql="to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00'"

# The wal-archive check's consequence, once: batches written after the learner's base backup, a
# second and a half of quiet, then a cleanup job drops the table. The WAL segment is switched and
# archived, so the archive holds everything up to and including the destruction.
pitr_trigger() {
  mkdir -p "$STATE_DIR"
  [ -s "$STATE_DIR/pitr_destroyed_at" ] && return 0
  local b out xid at
  # A check stopped half-way (its time limit) left some batches: start them again.
  psql_q -d "$PITR_DB" -c 'DELETE FROM public.invoices WHERE batch > 0'
  : > "$STATE_DIR/pitr_batches"
  : > "$BILLING_LOG"
  for b in $(seq 1 "$PITR_BATCHES"); do
    out=$(psql_q -d "$PITR_DB" -c "INSERT INTO public.invoices (id, batch, token) $(pitr_rows_sql "$b"); SELECT txid_current() % 4294967296 || ' ' || $ts_sql")
    xid=${out%% *}; at=${out#* }
    echo "$b $xid" >> "$STATE_DIR/pitr_batches"
    echo "$at billing-sync[311]: committed batch $b ($PITR_BATCH_ROWS invoices) to billing_db.public.invoices" >> "$BILLING_LOG"
    sleep 0.6
  done
  sleep 1.5
  # The drop's transaction start (now()): its commit comes after it, every batch before it.
  out=$(psql_q -d "$PITR_DB" -c 'BEGIN' \
    -c "SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00 ' || extract(epoch FROM now())" \
    -c 'DROP TABLE public.invoices' -c 'COMMIT')
  at=${out% *}
  psql_q -d postgres -c 'SELECT pg_current_wal_lsn()' > "$STATE_DIR/pitr_drop_lsn"
  echo "${out##* }" > "$STATE_DIR/pitr_destroyed_at"
  echo "$at cleanup-job[412]: BEGIN; DROP TABLE public.invoices; -- wrong database in the job's config" >> "$BILLING_LOG"
  echo "$at cleanup-job[412]: COMMIT" >> "$BILLING_LOG"
  cat > "$OPS_DIR/PAGE-billing.txt" <<TXT
[P1] ${at%.*} UTC  billing_db: table invoices dropped on pg-primary
A cleanup job ran against billing_db instead of its scratch database and dropped public.invoices.
Both jobs log to ~/ops/billing.log. Recover billing_db on pg-pitr to the moment just before the
DROP, from your base backup and the WAL archive on the backup host.
TXT
  pitr_ensure_archived
}

# Closes the WAL segment that holds the drop, if the archive does not have it yet, and waits (up
# to 15 s) until the archiver has copied it. Also run by later checks, should one have been
# stopped by its time limit right after the drop.
pitr_ensure_archived() {
  local lsn seg
  lsn=$(cat "$STATE_DIR/pitr_drop_lsn" 2>/dev/null) || return 0
  seg=$(psql_q -d postgres -c "SELECT pg_walfile_name('$lsn')")
  [ "$(psql_q -d postgres -c "SELECT coalesce(last_archived_wal, '') >= '$seg' FROM pg_stat_archiver")" = t ] && return 0
  psql_q -d postgres -c 'SELECT pg_switch_wal()' >/dev/null
  for _ in $(seq 1 30); do
    [ "$(psql_q -d postgres -c "SELECT coalesce(last_archived_wal, '') >= '$seg' FROM pg_stat_archiver")" = t ] && return 0
    sleep 0.5
  done
}

pitr_destroyed_at() { cat "$STATE_DIR/pitr_destroyed_at" 2>/dev/null; }

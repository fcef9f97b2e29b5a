# Lab 4 (dr-test): seeded data, integrity, the disaster and its timestamps. Sourced on the grader
# (mounted at /academy/lib); needs ACADEMY_SEED and HELIXAGENT_CONTROL_TOKEN (from the runner)
# and the grader's PG* variables (pg-primary, the grader's own superuser academy_grader, a fixed
# search_path; the learner's role helixagent owns helixagent_db but is no superuser).

OPS_DIR=/ops
STATE_DIR=/ops/state
BACKUP_STORE=/backup-store
REPORT_FILE=/learner-home/dr-report.md
PASSPHRASE_FILE=/ops/backup-passphrase
RTO_OBJECTIVE_MINUTES=240

: "${ACADEMY_SEED:?ACADEMY_SEED is not set: run this through the lab-runner}"
: "${HELIXAGENT_CONTROL_TOKEN:?HELIXAGENT_CONTROL_TOKEN is not set: run this through the lab-runner}"

# The seed only ever reaches SQL as hex digits (no quoting questions).
SEED_HEX=$(printf 'dr-test:%s' "$ACADEMY_SEED" | sha256sum | cut -c1-16)
# 800..2299 rows, different per learner.
LEDGER_ROWS=$((800 + 16#${SEED_HEX:0:4} % 1500))
# Tied to the sandbox's secret token, so no other sandbox can decrypt this one's backups.
BACKUP_PASSPHRASE=$(printf 'backup-passphrase:%s:%s' "$ACADEMY_SEED" "$HELIXAGENT_CONTROL_TOKEN" | sha256sum | cut -c1-40)

psql_q() { psql -X -q -t -A -v ON_ERROR_STOP=1 "$@"; }

# The seeded rows as a SELECT: the setup inserts it, the integrity check compares against it.
ledger_rows_sql() {
  cat <<SQL
SELECT i AS id,
       'acct-' || substr(md5('$SEED_HEX:a:' || i), 1, 8) AS account,
       (('x' || substr(md5('$SEED_HEX:m:' || i), 1, 7))::bit(28)::int % 100000)::bigint AS amount_cents,
       md5('$SEED_HEX:n:' || i) AS note,
       timestamp '2026-01-01 00:00' + i * interval '37 seconds' AS created_at
  FROM generate_series(1, $LEDGER_ROWS) AS i
SQL
}

ledger_digest_sql() { # $1: a relation or subquery with the ledger's columns
  echo "SELECT count(*) || ' ' || coalesce(md5(string_agg(id || '|' || account || '|' || amount_cents || '|' || note || '|' || created_at, ',' ORDER BY id)), '-') FROM $1 AS t"
}

# Prints "ok", or what is wrong with the restored primary (never the expected values).
dr_integrity() {
  local recovery actual expected rows
  if ! recovery=$(psql_q -d postgres -c 'select pg_is_in_recovery()' 2>/dev/null); then
    echo "pg-primary does not accept connections"; return 1
  fi
  [ "$recovery" = f ] || { echo "pg-primary is still in recovery (read-only)"; return 1; }
  if ! psql_q -d helixagent_db -c 'select 1' >/dev/null 2>&1; then
    echo "the database helixagent_db does not exist on pg-primary"; return 1
  fi
  if [ "$(psql_q -d helixagent_db -c "select to_regclass('public.audit_ledger') is not null")" != t ]; then
    echo "helixagent_db has no table audit_ledger"; return 1
  fi
  actual=$(psql_q -d helixagent_db -c "$(ledger_digest_sql public.audit_ledger)" 2>/dev/null) || { echo "audit_ledger cannot be read"; return 1; }
  expected=$(psql_q -d postgres -c "$(ledger_digest_sql "($(ledger_rows_sql))")")
  rows=${actual%% *}
  if [ "$rows" != "${expected%% *}" ]; then echo "audit_ledger has $rows rows, not the number the backup holds"; return 1; fi
  if [ "$actual" != "$expected" ]; then echo "audit_ledger has the right row count but its contents differ from the backup (checksum mismatch)"; return 1; fi
  local t
  for t in debates tasks; do
    [ "$(psql_q -d helixagent_db -c "select to_regclass('public.$t') is not null")" = t ] || { echo "helixagent_db has no table $t"; return 1; }
  done
  echo ok
}

disaster_at() { cat "$STATE_DIR/disaster_at" 2>/dev/null; }
restored_at() { cat "$STATE_DIR/restored_at" 2>/dev/null; }

# Records the first moment the primary was seen restored (the watcher or a check, whichever is first).
mark_restored() {
  [ -s "$STATE_DIR/restored_at" ] || date +%s > "$STATE_DIR/restored_at"
}

# The disaster: the database on the primary is destroyed (the DROP replicates, so the replica
# loses it too: replicas are not backups) and an empty one is provisioned for the restore; every
# Redis master is flushed (lib/redis.sh), so the sessions are gone too.
trigger_disaster() {
  mkdir -p "$STATE_DIR"
  [ -s "$STATE_DIR/disaster_at" ] && return 0
  local now; now=$(date +%s)
  psql_q -d postgres -c 'DROP DATABASE IF EXISTS helixagent_db WITH (FORCE)' -c 'CREATE DATABASE helixagent_db OWNER helixagent'
  source /academy/lib/redis.sh
  redis_flush_all_masters
  echo "$now" > "$STATE_DIR/disaster_at"
  cat > "$OPS_DIR/PAGE.txt" <<TXT
[P1] $(date -u -d "@$now" '+%Y-%m-%d %H:%M:%S') UTC  pg-primary: database helixagent_db destroyed; Redis cluster flushed
The primary's data is gone and the replica replayed the loss. An empty helixagent_db has been
provisioned on pg-primary. Restore from the backup host following the Disaster Recovery Plan.
The same runaway job ran FLUSHALL on every Redis master: all sessions (session:*) are gone.
Disaster time (epoch seconds): $now
TXT
  # Watches for the restore every 2 s so the achieved RTO is measured when it happens, not
  # when the learner next presses Check. Detached; gives up after the lab's longest lifetime.
  setsid -f bash -c 'source /academy/lib/dr.sh; end=$(( $(date +%s) + 5 * 3600 ))
    while [ "$(date +%s)" -lt "$end" ] && [ ! -s "$STATE_DIR/restored_at" ]; do
      [ "$(dr_integrity 2>/dev/null)" = ok ] && mark_restored
      sleep 2
    done' </dev/null >/dev/null 2>&1
}

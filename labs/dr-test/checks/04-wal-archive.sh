#!/bin/bash
# Step wal-archive: pg-primary's archiver copies WAL to the backup host's /wal-archive (the
# basic_archive module, docs/decisions/033) and has archived a backup history file (*.backup),
# which only a base backup taken from pg-primary produces. All read from pg-primary as the grader
# (pg_stat_archiver, pg_ls_dir): nothing the learner can write. When it passes, the billing data
# gets its post-backup batches and the destruction strikes (once).
source /academy/lib/dr.sh
source /academy/lib/pitr.sh
fail() { echo "FAIL: $1"; shift; for h in "$@"; do echo "HINT: $h"; done; exit 1; }
enable_hint="On the workstation: psql -h pg-primary -p 5432 -U helixagent -d postgres -c \"ALTER SYSTEM SET archive_library = 'basic_archive'\" -c \"ALTER SYSTEM SET basic_archive.archive_directory = '/wal-archive'\" -c 'SELECT pg_reload_conf()'"

settings=$(psql_q -d postgres -F '|' -c "SELECT current_setting('archive_mode'), current_setting('archive_library'), coalesce(current_setting('basic_archive.archive_directory', true), '')") \
  || fail "pg-primary does not answer the grader." "Is pg-primary running? (the grader connects to pg-primary:5432)"
IFS='|' read -r mode library directory <<<"$settings"
[ "$mode" = on ] || fail "archive_mode is $mode on pg-primary, so no WAL can be archived." "archive_mode is set on pg-primary's command line (topology); it needs a restart to change."
[ -n "$library" ] || fail "WAL archiving is not set up: archive_library is empty, so pg-primary keeps its WAL but copies none of it to the backup host." "$enable_hint"
[ "$library" = basic_archive ] || fail "archive_library is '$library', not the basic_archive module that copies WAL to a directory." "$enable_hint"
[ "$directory" = "$WAL_ARCHIVE_DIR" ] || fail "basic_archive copies WAL to '${directory:-(not set)}', not to the backup host's store, mounted on pg-primary at $WAL_ARCHIVE_DIR." "$enable_hint"

IFS='|' read -r archived failed last_ok last_fail last_wal <<<"$(psql_q -d postgres -F '|' -c "SELECT archived_count, failed_count, coalesce(extract(epoch FROM last_archived_time)::bigint, 0), coalesce(extract(epoch FROM last_failed_time)::bigint, 0), coalesce(last_archived_wal, '') FROM pg_stat_archiver")"
if [ "$archived" = 0 ]; then
  [ "$failed" != 0 ] && fail "The archiver has failed $failed times and archived nothing yet." "Its errors are in pg-primary's log; is basic_archive.archive_directory exactly $WAL_ARCHIVE_DIR?"
  fail "The archiver has not archived a WAL segment yet." "Archiving starts after pg_reload_conf(); SELECT pg_switch_wal() is superuser-only, but your base backup closes a segment too."
fi
[ "$last_fail" -le "$last_ok" ] || fail "The archiver's last attempt failed (last success: $last_wal)." "Look at pg_stat_archiver; the archive directory must be $WAL_ARCHIVE_DIR."

files=$(psql_q -d postgres -c "SELECT f FROM pg_ls_dir('$WAL_ARCHIVE_DIR') AS f ORDER BY f") || fail "The grader cannot list $WAL_ARCHIVE_DIR on pg-primary."
grep -qE '^[0-9A-F]{24}$' <<<"$files" || fail "The archive on the backup host holds no WAL segment yet." "Wait a moment after pg_reload_conf() and check pg_stat_archiver again."
# A backup history file records where its base backup started; pg-replica's clone, taken when the
# sandbox was built, is older than the setup's WAL position.
since=$(cat "$STATE_DIR/setup_lsn" 2>/dev/null); since=${since:-0/0}
backup='' older=''
for f in $(grep -E '^[0-9A-F]{24}\.[0-9A-F]{8}\.backup$' <<<"$files"); do
  start=$(psql_q -d postgres -c "SELECT pg_read_file('$WAL_ARCHIVE_DIR/$f')" | sed -nE 's/^START WAL LOCATION: ([0-9A-F]+\/[0-9A-F]+).*/\1/p')
  if [ -n "$start" ] && [ "$(psql_q -d postgres -c "SELECT '$start'::pg_lsn >= '$since'::pg_lsn")" = t ]; then backup=$f; else older=$f; fi
done
if [ -z "$backup" ]; then
  fail "WAL is being archived ($archived segments, last $last_wal), but there is no base backup of yours to replay it onto: the archive holds no backup history file (*.backup) of a base backup taken in this lab${older:+ ($older is from the clone of pg-replica, before you started)}." \
    "On pg-pitr: pg_basebackup -h pg-primary -U replicator -D /mnt/base-backups/base-\$(date -u +%Y%m%dT%H%M%SZ) -Ft -z -X fetch -c fast -P"
fi

if [ -z "$(pitr_destroyed_at)" ]; then
  pitr_trigger
  echo "OK: WAL is archived to the backup host ($archived segments) and $backup records your base backup."
  echo "DISASTER: a cleanup job just dropped billing_db's invoices table on pg-primary. Read ~/ops/PAGE-billing.txt."
else
  pitr_ensure_archived
  echo "OK: WAL is archived to the backup host and $backup records a base backup (the table was dropped at $(date -u -d "@$(pitr_destroyed_at)" +%H:%M:%S) UTC)."
fi

#!/bin/bash
# Setup hook (grader): the individual data set on the primary, and the backup passphrase in the
# ops share (the stand-in for the secret manager).
set -euo pipefail
source /academy/lib/dr.sh
umask 022
mkdir -p "$STATE_DIR"
printf '%s\n' "$BACKUP_PASSPHRASE" > "$PASSPHRASE_FILE"
psql_q -d helixagent_db <<SQL
CREATE TABLE IF NOT EXISTS public.audit_ledger (
  id int PRIMARY KEY,
  account text NOT NULL,
  amount_cents bigint NOT NULL,
  note text NOT NULL,
  created_at timestamp NOT NULL
);
TRUNCATE public.audit_ledger;
INSERT INTO public.audit_ledger $(ledger_rows_sql);
-- The learner's role backs it up (pg_dump) and restores it: it owns its data, as the app would.
ALTER TABLE public.audit_ledger OWNER TO helixagent;
SQL
echo "seeded audit_ledger with $LEDGER_ROWS rows"

# The sessions in the Redis cluster (step redis-restore, lib/redis.sh): the disaster flushes them.
source /academy/lib/redis.sh
redis_seed_sessions
echo "seeded $REDIS_SESSION_KEYS session keys in the Redis cluster"

# Point-in-time recovery (steps wal-archive and pitr, lib/pitr.sh): the grader's billing_db with
# the rows from before any base backup, the auditor role the pitr check logs into pg-pitr with,
# and the learner's rights to turn on archiving: ALTER SYSTEM on the archive-module settings only
# (archive_command would run any shell command on pg-primary) and pg_reload_conf() in postgres.
source /academy/lib/pitr.sh
if [ "$(psql_q -d postgres -c "SELECT count(*) FROM pg_database WHERE datname = '$PITR_DB'")" = 0 ]; then
  psql_q -d postgres -c "CREATE DATABASE $PITR_DB"
fi
psql_q -d postgres <<SQL
REVOKE ALL ON DATABASE $PITR_DB FROM PUBLIC;
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'pitr_auditor') THEN CREATE ROLE pitr_auditor LOGIN; END IF;
END \$\$;
ALTER ROLE pitr_auditor WITH LOGIN PASSWORD '$PITR_AUDITOR_PASSWORD';
GRANT CONNECT ON DATABASE $PITR_DB TO pitr_auditor;
GRANT ALTER SYSTEM ON PARAMETER archive_library, "basic_archive.archive_directory", archive_timeout TO helixagent;
GRANT EXECUTE ON FUNCTION pg_reload_conf() TO helixagent;
SQL
psql_q -d "$PITR_DB" <<SQL
DROP TABLE IF EXISTS public.invoices;
CREATE TABLE public.invoices (id int PRIMARY KEY, batch int NOT NULL, token text NOT NULL);
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO pitr_auditor;
GRANT SELECT ON public.invoices TO pitr_auditor;
GRANT EXECUTE ON FUNCTION pg_control_system() TO pitr_auditor;
INSERT INTO public.invoices (id, batch, token) $(pitr_rows_sql 0);
SQL
echo "seeded $PITR_DB.invoices with $PITR_PRE_ROWS rows"
# Base backups that started before this point (pg-replica's clone) are not the learner's.
psql_q -d postgres -c 'SELECT pg_current_wal_lsn()' > "$STATE_DIR/setup_lsn"

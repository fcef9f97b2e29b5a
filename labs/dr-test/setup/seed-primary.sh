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

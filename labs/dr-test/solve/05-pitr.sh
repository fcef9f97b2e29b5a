#!/bin/bash
# Solve step pitr (pg-pitr, as postgres): restore the newest base backup into the empty data
# directory and recover from the WAL archive to the start of the DROP's transaction (its commit
# comes after that moment, every batch's before), then open the database (promote).
set -euo pipefail
target=$(grep -m1 'DROP TABLE' ~/ops/billing.log | cut -d' ' -f1,2)
echo "recovery target: $target"
if pg_ctl -D "$PGDATA" status >/dev/null 2>&1; then pg_ctl -D "$PGDATA" -m fast -w stop; fi
rm -rf "${PGDATA:?}"/*
base=$(ls -d /mnt/base-backups/base-* | sort | tail -n1)
tar -xzf "$base/base.tar.gz" -C "$PGDATA"
chmod 700 "$PGDATA"
cat >> "$PGDATA/postgresql.auto.conf" <<CONF
restore_command = 'cp /mnt/wal-archive/%f %p'
recovery_target_time = '$target'
recovery_target_action = 'promote'
CONF
touch "$PGDATA/recovery.signal"
pg_ctl -D "$PGDATA" -l ~/pitr.log -w -t 120 start
for _ in $(seq 1 60); do
  if [ "$(psql -X -tA -h /var/run/postgresql -U helixagent -d postgres -c 'SELECT pg_is_in_recovery()')" = f ]; then
    grep -E 'recovery stopping|last completed transaction' ~/pitr.log || true
    exit 0
  fi
  sleep 1
done
echo "pg-pitr did not finish recovery within 60 s; see ~/pitr.log" >&2
exit 1

#!/bin/bash
# Solve step wal-archive (pg-pitr, as postgres): archive WAL with the basic_archive module to the
# backup host's store (mounted on pg-primary at /wal-archive), then take a compressed tar base
# backup of pg-primary into the backup host's base-backup store and wait until the archiver has
# copied the backup history file it produces.
set -euo pipefail
psql -X -h pg-primary -p 5432 -U helixagent -d postgres -v ON_ERROR_STOP=1 \
  -c "ALTER SYSTEM SET archive_library = 'basic_archive'" \
  -c "ALTER SYSTEM SET basic_archive.archive_directory = '/wal-archive'" \
  -c 'SELECT pg_reload_conf()'
pg_basebackup -h pg-primary -U replicator -D "/mnt/base-backups/base-$(date -u +%Y%m%dT%H%M%SZ)" -Ft -z -X fetch -c fast
for _ in $(seq 1 30); do
  if ls /mnt/wal-archive/*.backup >/dev/null 2>&1; then ls -l /mnt/wal-archive/; exit 0; fi
  sleep 1
done
echo "the archiver has not copied the backup history file to /mnt/wal-archive within 30 s" >&2
exit 1

#!/usr/bin/env bash
# Runs on pg-replica (as postgres): clone the primary as a standby, as in lesson 1.2.
set -euo pipefail
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  pg_basebackup -h pg-primary -U replicator -D "$PGDATA" -R -X stream -P
fi
for _ in $(seq 1 60); do
  if [ "$(psql -X -At -h 127.0.0.1 -d postgres -c 'select pg_is_in_recovery()' 2>/dev/null)" = t ]; then
    echo "pg-replica is up as a standby"; exit 0
  fi
  sleep 0.5
done
echo "pg-replica did not come up as a standby within 30 s" >&2
exit 1

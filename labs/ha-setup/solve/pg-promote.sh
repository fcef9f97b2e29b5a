#!/usr/bin/env bash
# Runs on pg-primary (as postgres): lose the primary (an immediate stop, as a crash would), then
# promote pg-replica with pg_promote() as the app role, and wait until it accepts writes.
set -euo pipefail
if pg_ctl -D "$PGDATA" status >/dev/null 2>&1; then
  pg_ctl -D "$PGDATA" stop -m immediate
fi
if [ "$(psql -X -At -h pg-replica -U helixagent -d helixagent_db -c 'select pg_is_in_recovery()')" = t ]; then
  psql -X -At -h pg-replica -U helixagent -d helixagent_db -c 'select pg_promote()'
fi
for _ in $(seq 1 30); do
  [ "$(psql -X -At -h pg-replica -U helixagent -d helixagent_db -c 'select pg_is_in_recovery()')" = f ] && exit 0
  sleep 0.5
done
echo "pg-replica did not leave recovery" >&2
exit 1

#!/bin/bash
# Solve step 7 (workstation): once the primary is gone, promote pg-replica, point PgBouncer's
# databases at it, RELOAD, and wait until the load balancer has ready instances again.
set -euo pipefail
NOTES=/home/learner/.infra-notes
for _ in $(seq 1 60); do
  pg_isready -q -h pg-primary -t 2 || break
  sleep 1
done
if pg_isready -q -h pg-primary -t 2; then echo "the primary is still up" >&2; exit 1; fi
echo "primary_lost at=$(date -u +%H:%M)" >> "$NOTES"
if [ "$(psql -h pg-replica -p 5432 -U helixagent -d helixagent_db -XtAq -c 'SELECT pg_is_in_recovery()')" = t ]; then
  psql -h pg-replica -p 5432 -U helixagent -d helixagent_db -XtAq -c 'SELECT pg_promote()'
fi
sed -i 's/host=pg-primary/host=pg-replica/' /etc/pgbouncer/pgbouncer.ini
psql -h pgbouncer -p 6432 -U helixagent -d pgbouncer -c 'RELOAD'
for _ in $(seq 1 60); do
  [ "$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' http://lb:8080/ready)" = 200 ] && break
  sleep 1
done
[ "$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' http://lb:8080/ready)" = 200 ] || { echo "not ready through the load balancer" >&2; exit 1; }
echo "failover=pg-replica at=$(date -u +%H:%M)" >> "$NOTES"

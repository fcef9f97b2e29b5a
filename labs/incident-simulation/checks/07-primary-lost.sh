#!/bin/bash
# Step 7: after the primary was lost, the replica is promoted, PgBouncer's helixagent database
# points at it (a write through PgBouncer as the app succeeds), and the instances are ready
# again through the load balancer.
source /academy/lib/scenario.sh
source /academy/lib/infra.sh
scenario_load
infra_load
infra_started || infra_not_started
if [ -z "$(infra_since primary_lost)" ]; then
  echo "FAIL: The PostgreSQL primary has not been lost yet in this sandbox: that happens once the slow instance is out of rotation (step 6)."
  exit 1
fi
bad=0
recovery=$(timeout 10 psql -h pg-replica -XtAq -c 'SELECT pg_is_in_recovery()' 2>/dev/null)
if [ "$recovery" != f ]; then
  echo "FAIL: pg-replica is still a read-only standby: nothing can write until it is promoted."
  echo "HINT: SELECT pg_promote(); on pg-replica (psql -h pg-replica -d helixagent_db as helixagent), then check SELECT pg_is_in_recovery(); says f."
  bad=1
fi
# PgBouncer may hold a client while it keeps trying a server that is gone: give it 10 s.
write=$(PGHOST=pgbouncer PGPORT=6432 PGUSER=helixagent PGPASSWORD=$APP_PGPASSWORD PGDATABASE=helixagent \
  timeout 10 psql -XtAq -c 'SELECT txid_current() > 0' 2>&1) || write=${write:-no answer within 10 s}
if [ "$write" != t ]; then
  echo "FAIL: A write through PgBouncer (database helixagent, as the app connects) fails: $(head -n 1 <<<"$write")"
  echo "HINT: PgBouncer still sends the helixagent database to the lost primary: change host= in /etc/pgbouncer/pgbouncer.ini, then RELOAD on PgBouncer's admin console (psql -h pgbouncer -p 6432 -U helixagent pgbouncer)."
  bad=1
fi
if [ $bad -eq 0 ]; then
  code=$(curl -s --max-time 10 -o /dev/null -w '%{http_code}' http://lb:8080/ready)
  if [ "$code" != 200 ]; then
    echo "FAIL: The load balancer answers GET /ready with HTTP $code: the instances are not ready yet (HAProxy needs two good checks, about 4 s)."
    bad=1
  fi
fi
[ $bad -eq 0 ] || exit 1
echo "OK: pg-replica is the new primary, PgBouncer writes to it, and the service is ready again."

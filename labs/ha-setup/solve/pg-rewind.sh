#!/usr/bin/env bash
# Runs on pg-primary (as postgres): rebuild the old primary as a standby of pg-replica with
# pg_rewind (-R writes standby.signal and primary_conninfo), start it, wait until it streams, then
# make the new pair synchronous (pg-replica's commits wait for it).
set -euo pipefail
new() { psql -X -At -h pg-replica -U helixagent -d helixagent_db "$@"; }
make_synchronous() {
  new -c "alter system set synchronous_standby_names = 'walreceiver'" -c 'select pg_reload_conf()'
  for _ in $(seq 1 20); do
    [ "$(new -c "select count(*) from pg_stat_replication where sync_state = 'sync'")" -ge 1 ] && exit 0
    sleep 0.5
  done
  echo "pg-primary did not become pg-replica's synchronous standby" >&2
  exit 1
}
if pg_ctl -D "$PGDATA" status >/dev/null 2>&1; then
  if [ "$(psql -X -At -h 127.0.0.1 -U helixagent -d helixagent_db -c 'select pg_is_in_recovery()')" = t ]; then
    echo "pg-primary already runs as a standby"; make_synchronous
  fi
  pg_ctl -D "$PGDATA" stop -m fast
fi
# The promoted server's control file shows the new timeline only after a checkpoint.
psql -X -h pg-replica -U replicator -d helixagent_db -c CHECKPOINT
pg_rewind --target-pgdata="$PGDATA" --source-server="host=pg-replica user=replicator dbname=helixagent_db" -R -P
pg_ctl -D "$PGDATA" -l /var/lib/postgresql/postgres.log start
for _ in $(seq 1 40); do
  [ "$(new -c "select count(*) from pg_stat_replication where state = 'streaming'")" -ge 1 ] && make_synchronous
  sleep 0.5
done
echo "pg-primary does not stream from pg-replica" >&2
exit 1

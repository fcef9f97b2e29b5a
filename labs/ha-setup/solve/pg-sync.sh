#!/usr/bin/env bash
# Runs on the workstation: make pg-primary's commits wait for pg-replica. Name the standby as
# pg_stat_replication shows it, reload, and wait until it reports sync.
set -euo pipefail
pg() { psql -X -At -h pg-primary -p 5432 -U helixagent -d helixagent_db "$@"; }
app="$(pg -c "select application_name from pg_stat_replication where state = 'streaming' limit 1")"
[ -n "$app" ] || { echo "no standby streams from pg-primary: do the replica step first" >&2; exit 1; }
pg -c "alter system set synchronous_standby_names = '$app'" -c 'select pg_reload_conf()'
for _ in $(seq 1 20); do
  [ "$(pg -c "select sync_state from pg_stat_replication where application_name = '$app'")" = sync ] && exit 0
  sleep 0.5
done
echo "pg-replica did not become a synchronous standby" >&2
exit 1

#!/usr/bin/env bash
# Runs on pgbouncer (as postgres): the course's pgbouncer.ini (video 2.3) with the lab's host
# names, keeping the image's auth settings, then a reload (what RELOAD on the admin console does).
set -euo pipefail
ini=/etc/pgbouncer/pgbouncer.ini
cat > "$ini" <<'INI'
[databases]
helixagent = host=pg-primary port=5432 dbname=helixagent_db
helixagent_ro = host=pg-replica port=5432 dbname=helixagent_db
* = host=pg-primary port=5432

[pgbouncer]
listen_addr = *
listen_port = 6432
unix_socket_dir = /var/run/pgbouncer
auth_type = scram-sha-256
auth_file = /etc/pgbouncer/userlist.txt
admin_users = helixagent
stats_users = helixagent
pool_mode = transaction
max_client_conn = 1000
default_pool_size = 20
min_pool_size = 5
reserve_pool_size = 5
reserve_pool_timeout = 3
max_db_connections = 50
server_check_query = select 1
server_login_retry = 3
ignore_startup_parameters = extra_float_digits,options
logfile =
pidfile =
INI
# SIGHUP makes PgBouncer re-read its config, like RELOAD on the admin console.
for comm in /proc/[0-9]*/comm; do
  if [ "$(cat "$comm" 2>/dev/null)" = pgbouncer ]; then pid="${comm#/proc/}"; kill -HUP "${pid%/comm}"; fi
done
sleep 1

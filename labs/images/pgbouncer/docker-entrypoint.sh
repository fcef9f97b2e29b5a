#!/usr/bin/env bash
# Writes /etc/pgbouncer/pgbouncer.ini and userlist.txt from the environment (PGBOUNCER_CONFIG=env,
# the default) and starts PgBouncer in the foreground. PGBOUNCER_CONFIG=file keeps a mounted ini.
#
# Databases (as in the seed course):
#   helixagent     -> $DB_HOST:$DB_PORT/$DB_NAME          (read-write, the primary)
#   helixagent_ro  -> $DB_REPLICA_HOST:$DB_PORT/$DB_NAME  (read-only, the replica; omitted if empty)
#   *              -> $DB_HOST:$DB_PORT, same database name (so clients may use $DB_NAME directly)
# Auth: DB_USER / DB_PASSWORD (plain text in userlist.txt, so PgBouncer can do SCRAM to the server).
set -euo pipefail

ini=/etc/pgbouncer/pgbouncer.ini
users=/etc/pgbouncer/userlist.txt

quote_userlist() { printf '"%s"' "${1//\"/\"\"}"; }

if [ "${PGBOUNCER_CONFIG:-env}" = env ]; then
  if [ -z "${DB_PASSWORD:-}" ]; then
    echo "pgbouncer: DB_PASSWORD is not set; set DB_USER/DB_PASSWORD to the database credentials, or mount a pgbouncer.ini and set PGBOUNCER_CONFIG=file." >&2
    exit 1
  fi
  {
    echo "[databases]"
    echo "helixagent = host=$DB_HOST port=$DB_PORT dbname=$DB_NAME"
    if [ -n "${DB_REPLICA_HOST:-}" ]; then
      echo "helixagent_ro = host=$DB_REPLICA_HOST port=$DB_PORT dbname=$DB_NAME"
    fi
    echo "* = host=$DB_HOST port=$DB_PORT"
    echo
    echo "[pgbouncer]"
    echo "listen_addr = *"
    echo "listen_port = 6432"
    echo "unix_socket_dir = /var/run/pgbouncer"
    echo "auth_type = scram-sha-256"
    echo "auth_file = $users"
    echo "admin_users = $DB_USER"
    echo "stats_users = $DB_USER"
    echo "pool_mode = $POOL_MODE"
    echo "max_client_conn = $MAX_CLIENT_CONN"
    echo "default_pool_size = $DEFAULT_POOL_SIZE"
    echo "min_pool_size = $MIN_POOL_SIZE"
    echo "reserve_pool_size = $RESERVE_POOL_SIZE"
    echo "reserve_pool_timeout = $RESERVE_POOL_TIMEOUT"
    echo "max_db_connections = $MAX_DB_CONNECTIONS"
    echo "server_check_query = select 1"
    # PgBouncer waits server_login_retry (default 15 s) after a failed server login; a database
    # that is restored or restarted (the DR lab) should be picked up within seconds.
    echo "server_login_retry = 3"
    echo "ignore_startup_parameters = extra_float_digits,options"
    echo "logfile ="
    echo "pidfile ="
  } >"$ini"
  printf '%s %s\n' "$(quote_userlist "$DB_USER")" "$(quote_userlist "$DB_PASSWORD")" >"$users"
  chmod 600 "$users"
elif [ ! -r "$ini" ]; then
  echo "pgbouncer: PGBOUNCER_CONFIG=file but $ini is missing or unreadable." >&2
  exit 1
fi

exec "$@"

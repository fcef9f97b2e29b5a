#!/usr/bin/env bash
# Initialise (first start) and run PostgreSQL as a primary or a streaming replica.
#
# Primary (PG_ROLE=primary, default):
#   POSTGRES_PASSWORD (required unless POSTGRES_HOST_AUTH_METHOD=trust), POSTGRES_USER,
#   POSTGRES_DB (default: POSTGRES_USER), REPLICATION_USER (default replicator),
#   REPLICATION_PASSWORD (default: POSTGRES_PASSWORD). Runs /docker-entrypoint-initdb.d/*.sql|*.sh.
#   APP_USER + APP_PASSWORD (optional): a login role that is NOT a superuser and owns POSTGRES_DB,
#   for the application and the learner; POSTGRES_USER then stays the grader's own superuser.
# Replica (PG_ROLE=replica):
#   PRIMARY_HOST (required), PRIMARY_PORT (5432), REPLICATION_USER, REPLICATION_PASSWORD
#   (or POSTGRES_PASSWORD), REPLICATION_SLOT (optional: a physical slot, created if missing).
set -euo pipefail

log() { printf '%s [entrypoint] %s\n' "$(date -u +%FT%TZ)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# `docker run image -c foo=bar` means "postgres -c foo=bar", like the official image.
if [ "${1:-}" != "" ] && [ "${1:0:1}" = "-" ]; then set -- postgres "$@"; fi
if [ "${1:-}" != "postgres" ]; then exec "$@"; fi
shift

[ "$(id -u)" != 0 ] || die "run this image as the postgres user (the image default), not root."

: "${PGDATA:?PGDATA must be set}"
role="${PG_ROLE:-primary}"
replication_user="${REPLICATION_USER:-replicator}"
replication_password="${REPLICATION_PASSWORD:-${POSTGRES_PASSWORD:-}}"
auth_method="${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}"

mkdir -p "$PGDATA" && chmod 700 "$PGDATA"

sql_literal() { printf "'%s'" "${1//\'/\'\'}"; }
sql_ident() { printf '"%s"' "${1//\"/\"\"}"; }

init_primary() {
  if [ -z "${POSTGRES_PASSWORD:-}" ] && [ "$auth_method" != trust ]; then
    die "POSTGRES_PASSWORD is not set. Set it (and optionally POSTGRES_USER/POSTGRES_DB), or set POSTGRES_HOST_AUTH_METHOD=trust for a throw-away database."
  fi
  local user="${POSTGRES_USER:-postgres}" db="${POSTGRES_DB:-${POSTGRES_USER:-postgres}}"
  log "initialising a new primary cluster in $PGDATA (superuser $user, database $db)"
  local pwfile; pwfile="$(mktemp)"
  printf '%s\n' "${POSTGRES_PASSWORD:-unused}" >"$pwfile"
  initdb -D "$PGDATA" -U "$user" --pwfile="$pwfile" --auth-local=trust --auth-host="$auth_method" \
    --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  rm -f "$pwfile"

  # The seed course's HA settings (docker-compose-ha.yml): a primary that replicas can stream from.
  cat >>"$PGDATA/postgresql.conf" <<CONF

# --- Helix Academy lab defaults ---
listen_addresses = '*'
unix_socket_directories = '/var/run/postgresql'
wal_level = replica
max_wal_senders = 10
max_replication_slots = 10
hot_standby = on
wal_keep_size = '256MB'
shared_buffers = '32MB'
max_connections = 100
# The image ships without LLVM (size); JIT would not help lab-sized queries anyway.
jit = off
CONF
  cat >>"$PGDATA/pg_hba.conf" <<HBA

# --- Helix Academy lab defaults: any address on the sandbox network, password auth ---
host replication all all $auth_method
host all all all $auth_method
HBA

  pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -c unix_socket_directories=/var/run/postgresql" -w -t 60 start >/dev/null
  local psql=(psql -v ON_ERROR_STOP=1 -X -q -h /var/run/postgresql -U "$user" -d postgres)
  if [ "$db" != postgres ]; then
    "${psql[@]}" -c "CREATE DATABASE $(sql_ident "$db")"
  fi
  "${psql[@]}" -c "CREATE ROLE $(sql_ident "$replication_user") WITH REPLICATION LOGIN PASSWORD $(sql_literal "${replication_password:-unused}")"
  if [ -n "${APP_USER:-}" ]; then
    [ -n "${APP_PASSWORD:-}" ] || die "APP_USER needs APP_PASSWORD."
    [ "$db" != postgres ] || die "APP_USER needs POSTGRES_DB: the database the role owns."
    # Owner of its database (and so of its public schema): create, dump, drop and restore its
    # own objects. No superuser, no CREATEROLE, no pg_read_all_stats / pg_execute_server_program:
    # it cannot read other roles' query text in pg_stat_activity or run programs (COPY TO PROGRAM).
    "${psql[@]}" -c "CREATE ROLE $(sql_ident "$APP_USER") WITH LOGIN NOSUPERUSER NOCREATEROLE NOREPLICATION CREATEDB PASSWORD $(sql_literal "$APP_PASSWORD")" \
      -c "ALTER DATABASE $(sql_ident "$db") OWNER TO $(sql_ident "$APP_USER")"
    # APP_MONITORING=1: a lab that teaches reading pg_stat_replication as this role grants it
    # pg_monitor (replication and activity details). Labs whose grader puts secrets in SQL (the
    # DR lab) leave it off, so the grader's query text stays hidden from the learner.
    if [ "${APP_MONITORING:-0}" = 1 ]; then
      "${psql[@]}" -c "GRANT pg_monitor TO $(sql_ident "$APP_USER")"
    fi
  fi
  local f
  for f in /docker-entrypoint-initdb.d/*; do
    [ -e "$f" ] || continue
    case "$f" in
      *.sh) log "running $f"; PGHOST=/var/run/postgresql PGUSER="$user" PGDATABASE="$db" bash "$f" ;;
      *.sql) log "running $f"; psql -v ON_ERROR_STOP=1 -X -q -h /var/run/postgresql -U "$user" -d "$db" -f "$f" ;;
      *) log "ignoring $f (only .sh and .sql run)" ;;
    esac
  done
  pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
  log "primary initialised"
}

init_replica() {
  [ -n "${PRIMARY_HOST:-}" ] || die "PG_ROLE=replica needs PRIMARY_HOST (the primary's host name)."
  [ -n "$replication_password" ] || die "PG_ROLE=replica needs REPLICATION_PASSWORD (or POSTGRES_PASSWORD)."
  local port="${PRIMARY_PORT:-5432}" waited=0
  log "waiting for primary $PRIMARY_HOST:$port"
  # Poll every half second: the replica's start-up time is mostly this wait.
  until pg_isready -q -h "$PRIMARY_HOST" -p "$port"; do
    waited=$((waited + 1))
    [ "$waited" -lt "$(( ${PRIMARY_WAIT_SECONDS:-120} * 2 ))" ] || die "primary $PRIMARY_HOST:$port did not accept connections within ${PRIMARY_WAIT_SECONDS:-120}s."
    sleep 0.5
  done
  local slot_args=()
  if [ -n "${REPLICATION_SLOT:-}" ]; then slot_args=(--slot="$REPLICATION_SLOT" --create-slot); fi
  log "cloning $PRIMARY_HOST:$port with pg_basebackup -R -X stream"
  # The cluster may still be finishing its init-time restart: retry a few times.
  local attempt
  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    rm -rf "${PGDATA:?}"/* 2>/dev/null || true
    if PGPASSWORD="$replication_password" pg_basebackup -h "$PRIMARY_HOST" -p "$port" -U "$replication_user" \
         -D "$PGDATA" -R -X stream -c fast "${slot_args[@]}"; then
      log "replica cloned; it will stream from $PRIMARY_HOST"
      return 0
    fi
    # A slot left over from an earlier replica with the same name: reuse it.
    if [ "${#slot_args[@]}" -gt 0 ]; then slot_args=(--slot="$REPLICATION_SLOT"); fi
    log "pg_basebackup failed (attempt $attempt); retrying in 2s"
    sleep 2
  done
  die "pg_basebackup from $PRIMARY_HOST:$port failed; check REPLICATION_USER/REPLICATION_PASSWORD and the primary's pg_hba.conf."
}

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  case "$role" in
    primary) init_primary ;;
    replica) init_replica ;;
    *) die "PG_ROLE must be 'primary' or 'replica', got '$role'." ;;
  esac
fi

exec postgres -D "$PGDATA" "$@"

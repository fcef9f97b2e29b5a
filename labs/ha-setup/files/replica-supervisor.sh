#!/usr/bin/env bash
# pg-replica's "service manager" in Lab 1: the data directory starts empty. As soon as it holds a
# complete base backup (pg_basebackup has finished and written backup_manifest), PostgreSQL is
# started; if PostgreSQL stops, it is started again a few seconds later. To start over:
#   pg_ctl -D "$PGDATA" stop -m fast && rm -rf "${PGDATA:?}"/*
set -u
: "${PGDATA:=/var/lib/postgresql/data}"

log() { printf '%s [replica-supervisor] %s\n' "$(date -u +%FT%TZ)" "$*" >&2; }

backup_running() {
  local comm
  for comm in /proc/[0-9]*/comm; do
    [ "$(cat "$comm" 2>/dev/null)" = pg_basebackup ] && return 0
  done
  return 1
}

ready() { [ -s "$PGDATA/PG_VERSION" ] && [ -e "$PGDATA/backup_manifest" ] && ! backup_running; }

log "waiting for a base backup in $PGDATA (pg_basebackup -h pg-primary -U replicator -D \$PGDATA -R ...)"
while true; do
  if ready; then
    chmod 700 "$PGDATA"
    log "starting PostgreSQL from $PGDATA"
    postgres -D "$PGDATA"
    log "PostgreSQL exited with status $?; restarting it in 3 s if the data directory is still there"
    sleep 3
  fi
  sleep 1
done

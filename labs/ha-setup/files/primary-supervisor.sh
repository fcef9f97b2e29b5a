#!/usr/bin/env bash
# pg-primary's "service manager" in Lab 1: the image's entrypoint (initdb on the first start,
# then PostgreSQL) runs as a child, so the host stays up when PostgreSQL stops. A primary that
# stops is NOT started again by itself: a lost primary that came back on its own would be a second
# primary next to the promoted replica (split brain). The learner rebuilds it as a standby of
# the new primary with pg_rewind, then starts it:
#   pg_ctl -D "$PGDATA" -l /var/lib/postgresql/postgres.log start
set -u
log() { printf '%s [primary-supervisor] %s\n' "$(date -u +%FT%TZ)" "$*" >&2; }

docker-entrypoint.sh "$@"
log "PostgreSQL exited with status $?; not restarting it (start it with pg_ctl once it is safe)"
# Keep the host (and the learner's terminal on it) alive; forward stop signals to PostgreSQL.
trap 'pg_ctl -D "$PGDATA" stop -m fast >/dev/null 2>&1; exit 0' TERM INT
while true; do sleep 1; done

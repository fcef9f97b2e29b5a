#!/usr/bin/env bash
# Runs on pgbouncer (as postgres): the helixagent route (the instances') and the catch-all to the
# promoted pg-replica, helixagent_ro to pg-primary (the standby it is about to become), then a
# reload (what RELOAD on the admin console does).
set -euo pipefail
ini=/etc/pgbouncer/pgbouncer.ini
sed -i -E 's/^helixagent = host=[^ ]+/helixagent = host=pg-replica/; s/^helixagent_ro = host=[^ ]+/helixagent_ro = host=pg-primary/; s/^\* = host=[^ ]+/* = host=pg-replica/' "$ini"
grep -q '^helixagent = host=pg-replica' "$ini"
for comm in /proc/[0-9]*/comm; do
  if [ "$(cat "$comm" 2>/dev/null)" = pgbouncer ]; then pid="${comm#/proc/}"; kill -HUP "${pid%/comm}"; fi
done
sleep 1
# The instances reconnect through PgBouncer by themselves; wait until lb answers ready (no curl
# on this host: a plain HTTP/1.0 request over bash's /dev/tcp).
ready() { exec 3<>/dev/tcp/lb/8080 && printf 'GET /ready HTTP/1.0\r\n\r\n' >&3 && head -1 <&3 | grep -q ' 200 '; }
for _ in $(seq 1 40); do
  ( ready ) 2>/dev/null && exit 0
  sleep 0.5
done
echo "the instances did not become ready through lb:8080" >&2
exit 1

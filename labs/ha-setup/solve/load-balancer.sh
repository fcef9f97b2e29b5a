#!/usr/bin/env bash
# Runs on lb (as haproxy): the backend from lesson 1.1 — three servers, HTTP health checks on
# /ready, leastconn — then a validated, hitless reload.
set -euo pipefail
cfg=/etc/haproxy/haproxy.cfg
new="$(mktemp)"
awk '
  /^backend helixagent$/ { skip = 1
    print "backend helixagent"
    print "    balance leastconn"
    print "    option httpchk GET /ready"
    print "    http-check expect status 200"
    print "    default-server inter 2s fall 3 rise 2"
    print "    server helixagent-1 helixagent-1:8080 check"
    print "    server helixagent-2 helixagent-2:8080 check"
    print "    server helixagent-3 helixagent-3:8080 check"
    print ""
    next }
  skip && /^(frontend|backend|listen|defaults|global|resolvers) / { skip = 0 }
  !skip { print }
' "$cfg" > "$new"
haproxy -c -q -f "$new"
cat "$new" > "$cfg" && rm -f "$new"
kill -USR2 "$(cat /run/haproxy/haproxy.pid)"
# Wait until all three are UP after the reload (rise 2 x inter 2s).
for _ in $(seq 1 30); do
  up="$(echo "show stat" | socat stdio /run/haproxy/admin.sock 2>/dev/null | awk -F, '$1 == "helixagent" && $2 ~ /^helixagent-/ && $18 == "UP"' | wc -l)"
  [ "$up" -eq 3 ] && exit 0
  sleep 0.5
done
echo "not all servers came UP after the reload" >&2
exit 1

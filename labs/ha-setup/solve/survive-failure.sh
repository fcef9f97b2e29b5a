#!/usr/bin/env bash
# Runs on lb (as haproxy): let HAProxy retry a request that hit a dead instance on another
# server (option redispatch, retries 3, retry on connection failures), then reload.
set -euo pipefail
cfg=/etc/haproxy/haproxy.cfg
if ! grep -Eq '^\s*option\s+redispatch' "$cfg"; then
  new="$(mktemp)"
  awk '{ print } /^defaults/ && !done { print "    option redispatch"; print "    retries 3"; print "    retry-on conn-failure empty-response response-timeout"; done = 1 }' "$cfg" > "$new"
  haproxy -c -q -f "$new"
  cat "$new" > "$cfg" && rm -f "$new"
  kill -USR2 "$(cat /run/haproxy/haproxy.pid)"
fi
for _ in $(seq 1 30); do
  up="$(echo "show stat" | socat stdio /run/haproxy/admin.sock 2>/dev/null | awk -F, '$1 == "helixagent" && $2 ~ /^helixagent-/ && $18 == "UP"' | wc -l)"
  [ "$up" -eq 3 ] && exit 0
  sleep 0.5
done
echo "not all servers are UP" >&2
exit 1

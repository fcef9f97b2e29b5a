#!/usr/bin/env bash
# Runs on lb (as haproxy): let HAProxy retry a request that hit a dead instance on another
# server (option redispatch, retries 3, retry on connection failures, empty responses and
# timeouts), but never replay a POST that already reached an instance (disable-l7-retry), then reload.
set -euo pipefail
cfg=/etc/haproxy/haproxy.cfg
new="$(mktemp)"
awk '
  { print }
  /^defaults/ && !d && has_redispatch + 0 == 0 { print "    option redispatch"; print "    retries 3"; print "    retry-on conn-failure empty-response response-timeout"; d = 1 }
  /^backend helixagent$/ && !b && has_disable + 0 == 0 { print "    http-request disable-l7-retry if METH_POST"; b = 1 }
' has_redispatch="$(grep -Ec '^\s*option\s+redispatch' "$cfg" || true)" \
  has_disable="$(grep -Ec '^\s*http-request\s+disable-l7-retry' "$cfg" || true)" "$cfg" > "$new"
haproxy -c -q -f "$new"
if ! cmp -s "$new" "$cfg"; then
  cat "$new" > "$cfg"
  kill -USR2 "$(cat /run/haproxy/haproxy.pid)"
fi
rm -f "$new"
for _ in $(seq 1 30); do
  up="$(echo "show stat" | socat stdio /run/haproxy/admin.sock 2>/dev/null | awk -F, '$1 == "helixagent" && $2 ~ /^helixagent-/ && $18 == "UP"' | wc -l)"
  [ "$up" -eq 3 ] && exit 0
  sleep 0.5
done
echo "not all servers are UP" >&2
exit 1

#!/usr/bin/env bash
# Step "load-balancer": HAProxy (as it runs now, read from its stats) sends traffic to all three
# instances, each health-checked over HTTP and UP, and requests through lb:8080 are answered by
# all three, as the instances themselves prove (a signed grader nonce). Runs on the grader.
set -u
fail() { echo "FAIL: $1"; [ -n "${2:-}" ] && echo "HINT: $2"; exit 1; }
source /academy/lib/origin-proof.sh

# One line per server: name|address|status|check_status (columns found by header name).
read_servers() {
  local csv
  csv="$(curl -s --max-time 3 'http://lb:8404/stats;csv')" || fail "could not read HAProxy's stats from lb:8404/stats."
  printf '%s\n' "$csv" | awk -F, '
    NR == 1 { sub(/^# /, ""); for (i = 1; i <= NF; i++) col[$i] = i; next }
    $2 != "FRONTEND" && $2 != "BACKEND" && $1 != "stats" { print $(col["svname"]) "|" $(col["addr"]) "|" $(col["status"]) "|" $(col["check_status"]) }'
}
# A server coming back (after a reload or a restart) shows "DOWN 1/2" for a few seconds: wait.
for _ in $(seq 1 12); do
  servers="$(read_servers)"
  printf '%s\n' "$servers" | awk -F'|' '$3 ~ / [0-9]+\/[0-9]+$/ { found = 1 } END { exit !found }' || break
  sleep 0.5
done

server_line() {
  local ip; ip="$(getent hosts "$1" | awk '{print $1; exit}')"
  printf '%s\n' "$servers" | awk -F'|' -v ip="$ip" 'index($2, ip ":") == 1 { print; exit }'
}
for instance in helixagent-1 helixagent-2 helixagent-3; do
  [ -n "$(server_line "$instance")" ] || fail "HAProxy has no server for $instance (port 8080)." \
    "Add a server line for each instance to the helixagent backend in /etc/haproxy/haproxy.cfg on lb, then reload HAProxy."
done
for instance in helixagent-1 helixagent-2 helixagent-3; do
  line="$(server_line "$instance")"
  IFS='|' read -r name _addr status check <<<"$line"
  check="${check#\* }"   # "* L7OK": a check is in progress
  case "$status" in
    UP*) ;;
    "no check") fail "server $name ($instance) is not health-checked: HAProxy would keep sending traffic to it after it dies." \
      "Add check to the server line (and inter 2s fall 3 rise 2), then reload." ;;
    *) fail "server $name ($instance) is $status (last check: ${check:-none})." ;;
  esac
  [ "$check" = L7OK ] || fail "server $name ($instance) is checked at the TCP level only ($check), not over HTTP." \
    "Ask the instance over HTTP: option httpchk GET /ready and http-check expect status 200 in the backend."
done

# Requests through the load balancer reach every instance: proven by the instances' signatures,
# not by headers or stats that HAProxy (the learner's component) could make up.
answers="$(for _ in $(seq 1 12); do ask_lb 3; done)"
served="$(printf '%s\n' "$answers" | verified_origins)" || exit 1
case " $served " in *" forged "*)
  fail "an answer through lb:8080 did not come from any helixagent instance (no valid proof of origin): the load balancer must pass requests to the real backends, not answer them itself." ;;
esac
for instance in helixagent-1 helixagent-2 helixagent-3; do
  case " $served " in *" $instance "*) ;; *) fail "12 requests through lb:8080 never reached $instance (served by: $served)." ;; esac
done
echo "HAProxy balances across helixagent-1..3, all UP and health-checked over HTTP."

#!/usr/bin/env bash
# Step "survive-failure": the grader slows one instance (which one depends on the sandbox's
# seed), sends concurrent POST /v1/chat/completions requests through lb:8080, and crashes that
# instance while the ones it received are still running (the stand-in's control API). Then:
# - for 4 s every GET through lb:8080 must succeed, served by the two other instances (as their
#   signatures on a grader nonce prove);
# - each POST must have reached an instance exactly once (the stand-ins' execution logs, read
#   through the control API once the victim is back, count the grader's ids): HAProxy may retry
#   what never reached an instance, but must not replay a POST that did.
# The crashed instance restarts by itself after about 5 s; the check waits for it so it can run
# again. Runs on the grader.
set -u
fail() { echo "FAIL: $1"; [ -n "${2:-}" ] && echo "HINT: $2"; exit 1; }
auth=(-H "Authorization: Bearer $HELIXAGENT_CONTROL_TOKEN")
source /academy/lib/origin-proof.sh
healthy() { [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://$1:8080/ready")" = 200 ]; }

victim="helixagent-$(( ${ACADEMY_SEED:-1} % 3 + 1 ))"
others=()
for i in 1 2 3; do [ "helixagent-$i" = "$victim" ] || others+=("helixagent-$i"); done

# Start from a healthy stack (an earlier run's victim may still be restarting).
for instance in helixagent-1 helixagent-2 helixagent-3; do
  for _ in $(seq 1 8); do healthy "$instance" && break; sleep 0.5; done
  healthy "$instance" || fail "$instance is not ready before the test (still restarting after the last run?); wait a few seconds and check again."
done
code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 http://lb:8080/v1/models)"
[ "$code" = 200 ] || fail "a request through lb:8080 answers $code before any failure." "Finish the load balancer step first."

# Slow the victim so the POSTs it gets stay in flight, send tagged POSTs concurrently (the
# balancer spreads them over the instances), then crash the victim under them.
control() { curl -s --max-time 3 "${auth[@]}" -H 'Content-Type: application/json' "$@"; }
control -d '{"kind":"slow","ms":4000}' "http://$victim:9901/faults" >/dev/null \
  || fail "could not slow $victim through its control API (grader problem, not yours)."
dir="$(mktemp -d)"
ids=()
for n in 1 2 3 4; do
  id="exec-$(cat /proc/sys/kernel/random/uuid)"; ids+=("$id")
  curl -s --max-time 20 -o /dev/null -w '%{http_code}' -H "x-academy-execution: $id" -H 'Content-Type: application/json' \
    -d '{"model":"helixagent-ensemble","messages":[{"role":"user","content":"grader: one answer, once"}]}' \
    http://lb:8080/v1/chat/completions >"$dir/$id" 2>/dev/null &
  sleep 0.05
done
sleep 1
control -d '{"kind":"crash","exit_code":1,"delay_ms":0}' "http://$victim:9901/faults" >/dev/null \
  || fail "could not crash $victim through its control API (grader problem, not yours)."

total=0; failed=0; codes=""; answers=""
end=$((SECONDS + 4))
while [ "$SECONDS" -lt "$end" ]; do
  answer="$(ask_lb 8)"
  code="${answer%% *}"
  total=$((total + 1))
  if [ "$code" != 200 ]; then failed=$((failed + 1)); codes="$codes $code"; break; else answers="$answers$answer"$'\n'; fi
done
served="$(printf '%s\n' "$answers" | verified_origins)"

wait

# Let the victim come back before we count and report, so the next run starts from a healthy
# stack (and its execution log can be read).
back_by=$((SECONDS + 45))
until healthy "$victim" || [ "$SECONDS" -ge "$back_by" ]; do sleep 0.5; done

if [ "$failed" -gt 0 ]; then
  fail "$victim crashed and a request through lb:8080 failed (status:$codes) after $((total - 1)) succeeded." \
    "Requests sent to a dead server need a second chance on another one: option redispatch (with retries) in defaults or the backend. Health checks alone take seconds to notice."
fi
case " $served " in
  *" forged "*) fail "an answer through lb:8080 did not come from any helixagent instance (no valid proof of origin): the load balancer must pass requests to the real backends, not answer them itself." ;;
esac
for instance in "${others[@]}"; do
  case " $served " in *" $instance "*) ;; *) fail "while $victim was down, $instance served none of the $total requests." ;; esac
done

# Count the arrivals of every POST on every instance (the logs survive the crash): one curl per
# instance, asking for every id, prints "id count" lines.
counts=""
for instance in helixagent-1 helixagent-2 helixagent-3; do
  urls=(); for id in "${ids[@]}"; do urls+=("http://$instance:9901/executions/$id"); done
  got="$(curl -s --max-time 5 "${auth[@]}" "${urls[@]}" | jq -r '"\(.id) \(.count)"' 2>/dev/null)"
  [ "$(printf '%s\n' "$got" | grep -c .)" = "${#ids[@]}" ] \
    || fail "could not read $instance's execution log (is it back up? grader problem if this repeats)."
  counts="$counts$(printf '%s\n' "$got" | sed "s/^/$instance /")"$'\n'
done
on_victim=0; twice=(); lost=()
for id in "${ids[@]}"; do
  sum="$(printf '%s' "$counts" | awk -v id="$id" '$2 == id { n += $3 } END { print n + 0 }')"
  on_victim=$((on_victim + $(printf '%s' "$counts" | awk -v id="$id" -v v="$victim" '$1 == v && $2 == id { print $3 }')))
  [ "$sum" -ge 2 ] && twice+=("$id (status $(cat "$dir/$id"), executed $sum times)")
  [ "$sum" -eq 0 ] && lost+=("$id (status $(cat "$dir/$id"))")
done
rm -rf "$dir"
if [ "${#twice[@]}" -gt 0 ]; then
  fail "$victim crashed while POST /v1/chat/completions requests were running on it, and HAProxy replayed ${#twice[@]} of them on another instance: ${twice[*]}. Each replay is a second paid ensemble run the client never asked for." \
    "retry-on empty-response/response-timeout also fires for requests that already reached an instance. Keep retries for GETs, but not for POSTs: http-request disable-l7-retry if METH_POST in the backend."
fi
if [ "${#lost[@]}" -gt 0 ]; then
  fail "${#lost[@]} of the grader's POSTs through lb:8080 never reached any helixagent instance: ${lost[*]}." \
    "The load balancer must pass POST /v1/chat/completions to the instances (and may retry it when the connection to one fails)."
fi
[ "$on_victim" -gt 0 ] || fail "none of the ${#ids[@]} concurrent POSTs reached $victim, so the grader could not crash it under one." \
  "Balance over all three instances (balance leastconn or roundrobin), then check again."
echo "$victim crashed; all $total GETs through lb:8080 succeeded, served by ${others[*]}."
echo "$victim crashed under $on_victim POST(s): none was replayed on another instance; every POST ran exactly once."

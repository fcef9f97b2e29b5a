#!/usr/bin/env bash
# Step "survive-failure": the grader crashes one instance (which one depends on the sandbox's
# seed) through the stand-in's control API. For 4 s every request through lb:8080 must still
# succeed, served by the two other instances (as their signatures on a grader nonce prove). The crashed instance restarts by itself after
# about 5 s; the check waits for it so it can run again. Runs on the grader.
set -u
fail() { echo "FAIL: $1"; [ -n "${2:-}" ] && echo "HINT: $2"; exit 1; }
auth=(-H "Authorization: Bearer $HELIXAGENT_CONTROL_TOKEN")
# Proof of origin: each request carries a fresh grader nonce (x-academy-challenge); a real
# instance answers with x-helixagent-proof = HMAC(control token, "nonce:instance"). The token is
# on the instances and here only, so a load balancer cannot fake an answer (http-request return)
# or relabel one instance's answer as another's. ask_lb prints "code nonce proof".
ask_lb() {
  local nonce; nonce="$(cat /proc/sys/kernel/random/uuid)"
  curl -s --max-time "${1:-3}" -o /dev/null -D - -w 'code=%{http_code}\n' -H "x-academy-challenge: $nonce" http://lb:8080/v1/models \
    | tr -d '\r' | awk -v n="$nonce" -F': ' 'tolower($1) == "x-helixagent-proof" { p = $2 } /^code=/ { c = substr($0, 6) } END { print c, n, (p == "" ? "-" : p) }'
}
# origins < "code nonce proof" lines: the instance whose proof matches, or "forged", per line.
origins() {
  node -e '
    const { createHmac } = require("crypto")
    const token = process.argv[1]
    const lines = require("fs").readFileSync(0, "utf8").split("\n").filter(Boolean)
    for (const line of lines) {
      const [, nonce, proof] = line.split(" ")
      const who = ["helixagent-1", "helixagent-2", "helixagent-3"].find((i) => createHmac("sha256", token).update(nonce + ":" + i).digest("hex") === proof)
      console.log(who ?? "forged")
    }' "$HELIXAGENT_CONTROL_TOKEN"
}
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

curl -s --max-time 3 "${auth[@]}" -H 'Content-Type: application/json' \
  -d '{"kind":"crash","exit_code":1,"delay_ms":50}' "http://$victim:9901/faults" >/dev/null \
  || fail "could not crash $victim through its control API (grader problem, not yours)."

total=0; failed=0; codes=""; answers=""
end=$((SECONDS + 4))
while [ "$SECONDS" -lt "$end" ]; do
  answer="$(ask_lb 8)"
  code="${answer%% *}"
  total=$((total + 1))
  if [ "$code" != 200 ]; then failed=$((failed + 1)); codes="$codes $code"; break; else answers="$answers$answer"$'\n'; fi
done
served="$(printf '%s' "$answers" | origins | tr '\n' ' ')"

# Let the victim come back before we report, so the next run starts from a healthy stack.
for _ in $(seq 1 6); do healthy "$victim" && break; sleep 0.5; done

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
echo "$victim crashed; all $total requests through lb:8080 succeeded, served by ${others[*]}."

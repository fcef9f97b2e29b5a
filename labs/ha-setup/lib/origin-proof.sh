# Sourced by the load-balancer and survive-failure checks (after they define fail): asks
# lb:8080 with a grader nonce and tells which instance really answered each request.
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
# The token is read from the environment, not passed as an argument: a random token may start
# with "-", which node would take for an option of its own.
origins() {
  node -e '
    const { createHmac } = require("crypto")
    const token = process.env.HELIXAGENT_CONTROL_TOKEN ?? ""
    const lines = require("fs").readFileSync(0, "utf8").split("\n").filter(Boolean)
    for (const line of lines) {
      const [, nonce, proof] = line.split(" ")
      const who = ["helixagent-1", "helixagent-2", "helixagent-3"].find((i) => createHmac("sha256", token).update(nonce + ":" + i).digest("hex") === proof)
      console.log(who ?? "forged")
    }'
}
# origins, space-separated, asked again (up to 3 times) if the verifier printed nothing: an empty
# verdict is a fault of the grader (the verifier failed to run), never evidence against the learner.
verified_origins() {
  local lines verdict served=""
  lines="$(cat)"
  for _ in 1 2 3; do
    verdict="$(printf '%s\n' "$lines" | origins 2>&1)"
    served="$(printf '%s\n' "$verdict" | grep -E '^(helixagent-[123]|forged)$' | tr '\n' ' ')"
    [ -n "$served" ] && break
    sleep 1
  done
  # Said on stderr: this runs inside $(...), whose stdout is the caller's value.
  [ -n "$served" ] || [ -z "$lines" ] || fail >&2 "the grader could not verify where the answers came from ($(printf '%s' "$verdict" | tail -n 3 | tr '\n' ' ' | cut -c1-300))." \
    "A fault in the lab, not in your work: press Check again, and tell your instructor if it persists."
  printf '%s' "$served"
}

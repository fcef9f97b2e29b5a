#!/usr/bin/env bash
# Step "rule-tests": the learner's promtool unit tests (/etc/prometheus/tests/helixagent_test.yml,
# read here at /srv/prometheus) pass against the rules Prometheus has loaded, and fail against
# four mutants of them: the provider-score rule and the 5xx-ratio rule each made to never fire
# and to always fire. A test that asserts nothing (or too little) passes a mutant: it fails here.
set -u
fail() { echo "FAIL: $1"; [ -n "${2:-}" ] && echo "HINT: $2"; exit 1; }
file=/srv/prometheus/tests/helixagent_test.yml
[ -s "$file" ] || fail "there is no test file /etc/prometheus/tests/helixagent_test.yml yet." \
  "Write promtool unit tests for ProviderDegraded and the 5xx-ratio rule there; run: promtool test rules /etc/prometheus/tests/helixagent_test.yml"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT

rules="$(curl -s --max-time 3 http://prometheus:9090/api/v1/rules)" || fail "Prometheus does not answer on prometheus:9090."
# The loaded rules, rebuilt as a rule file (JSON is YAML), each rule with an "id" to mutate it by.
loaded="$(printf '%s' "$rules" | jq -c '{groups: [.data.groups | to_entries[] | {name: "group-\(.key)", rules: [.value.rules[] |
  if .type == "alerting" then {alert: .name, expr: .query, for: "\(.duration)s", labels: (.labels // {}), annotations: (.annotations // {})}
  else {record: .name, expr: .query, labels: (.labels // {})} end]}]}')"
score_rule="$(printf '%s' "$rules" | jq -r '[.data.groups[].rules[] | select(.type == "alerting" and (.query | test("helixagent_provider_score")) and (.query | test("< 7(\\.0*)?$"))) | .name] | first // empty')"
error_rule="$(printf '%s' "$rules" | jq -r '[.data.groups[].rules[] | select(.type == "alerting" and (.query | test("helixagent_requests_total")) and (.query | test("status=~\"5\\.\\.\"")) and (.query | test(" / ")))] | first | .name // empty')"
[ -n "$score_rule" ] && [ -n "$error_rule" ] || fail "Prometheus has not loaded the two alert rules of step 2 (provider score < 7, 5xx ratio)." \
  "Finish step 2 first: these tests test those rules."

# The test file with its rule_files replaced by the given rule file (the rest as written).
with_rules() {
  awk -v r="$1" '
    skipping && /^([ \t]|-|$)/ { next }
    { skipping = 0 }
    /^rule_files:/ { print "rule_files: [\"" r "\"]"; skipping = 1; next }
    { print }' "$file" > "$work/test.yml"
  grep -q '^rule_files: \[' "$work/test.yml" || fail "the test file has no top-level rule_files: list."
  (cd "$work" && promtool test rules test.yml 2>&1)
}

printf '%s' "$loaded" > "$work/loaded.yml"
if ! out="$(with_rules "$work/loaded.yml")"; then
  echo "FAIL: your tests fail against the rules Prometheus has loaded (reloaded after the last edit?):"
  printf '%s\n' "$out" | grep -v '^$' | head -25 | sed 's/^/  /'
  echo "HINT: Run promtool test rules /etc/prometheus/tests/helixagent_test.yml on the workstation."
  exit 1
fi
grep -q "$score_rule" "$file" || fail "your tests do not mention the alert $score_rule." "Add an alert_rule_test with alertname: $score_rule."
grep -q "$error_rule" "$file" || fail "your tests do not mention the alert $error_rule." "Add an alert_rule_test with alertname: $error_rule."

# rule name | mutant expression | what the mutant does | what a test needs to catch it
mutants=(
  "$score_rule|helixagent_provider_score < -1|never fires (a broken threshold)|a degraded provider (score below 7) that must alert"
  "$score_rule|helixagent_provider_score >= 0|fires for every provider, healthy ones too|a healthy provider (score above 7) that must not alert"
  "$error_rule|sum(rate(helixagent_requests_total[5m])) < 0|never fires (a broken threshold)|traffic with more than 5% 5xx that must alert"
  "$error_rule|sum(rate(helixagent_requests_total[5m])) >= 0|fires on any traffic, without errors too|traffic with no (or few) 5xx that must not alert"
)
survivors=0
for m in "${mutants[@]}"; do
  IFS='|' read -r name expr what need <<<"$m"
  printf '%s' "$loaded" | jq --arg n "$name" --arg e "$expr" '.groups[].rules |= map(if .alert == $n then .expr = $e else . end)' > "$work/mutant.yml"
  if with_rules "$work/mutant.yml" >/dev/null; then
    echo "FAIL: your tests still pass when $name $what; they would not catch that bug. Add $need."
    survivors=1
  fi
done
[ "$survivors" = 0 ] || { echo "HINT: each alert_rule_test with exp_alerts (or exp_alerts: []) pins what must and must not fire at eval_time."; exit 1; }
echo "Your tests pass against the loaded rules and catch all four broken variants of $score_rule and $error_rule."

#!/usr/bin/env bash
# Step "slo-burn-rate": the alert HelixAgentErrorBudgetBurn pages on the chat-completions
# availability SLO (99.9%) with the SRE workbook's multi-window, multi-burn-rate pairs (1h and 5m
# above 14.4x the budget, 6h and 30m above 6x). Judged by behaviour, not by text:
#   1. promtool evaluates the rules Prometheus has loaded on five synthetic 7-hour histories
#      (healthy, below threshold, fast burn, slow burn, a burst that ended 40 minutes ago);
#   2. live: an error burst is injected with the stand-in's fault control (the degraded
#      provider's key is revoked, and requests to its model fail with 502), and the alert's
#      expression must become true in the running Prometheus; before the first burst it must be
#      false. The fault is cleared on exit.
set -u
fail() { echo "FAIL: $1"; [ -n "${2:-}" ] && echo "HINT: $2"; exit 1; }
prom=http://prometheus:9090
alert=HelixAgentErrorBudgetBurn
providers=(claude gemini deepseek qwen mistral)
degraded="${providers[$(( ${ACADEMY_SEED:-1} % 5 ))]}"
work="$(mktemp -d)"
auth=(-H "Authorization: Bearer $HELIXAGENT_CONTROL_TOKEN")
cleanup() {
  for i in 1 2 3; do curl -s --max-time 3 -X DELETE "${auth[@]}" "http://helixagent-$i:9901/faults/providers/$degraded/auth" >/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT
# A previous run stopped by its timeout could not clean up: start from no burst fault.
for i in 1 2 3; do curl -s --max-time 3 -X DELETE "${auth[@]}" "http://helixagent-$i:9901/faults/providers/$degraded/auth" >/dev/null; done

rules="$(curl -s --max-time 3 "$prom/api/v1/rules")" || fail "Prometheus does not answer on prometheus:9090."
rule="$(printf '%s' "$rules" | jq -c --arg n "$alert" '[.data.groups[].rules[] | select(.type == "alerting" and .name == $n)] | first // empty')"
[ -n "$rule" ] || fail "Prometheus has no alerting rule named $alert loaded." \
  "Write it (and its recording rules) in /etc/prometheus/rules/slo.yml, promtool check rules it, then reload Prometheus."
[ "$(printf '%s' "$rule" | jq -r .health)" != err ] || fail "$alert fails to evaluate: $(printf '%s' "$rule" | jq -r .lastError)"
[ "$(printf '%s' "$rule" | jq -r '.labels.severity // empty')" = page ] || fail "$alert has no label severity: page (a fast burn wakes someone up)."
[ "$(printf '%s' "$rule" | jq -r '.labels.team // empty')" = helixagent ] || fail "$alert has no label team: helixagent."
expr="$(printf '%s' "$rule" | jq -r .query)"

# ---- 1. synthetic histories, evaluated by promtool on the loaded rules (recording rules too)
printf '%s' "$rules" | jq '{groups: [.data.groups | to_entries[] | {name: "group-\(.key)", rules: [.value.rules[] |
  if .type == "alerting" then {alert: .name, expr: .query, for: "\(.duration)s", labels: (.labels // {}), annotations: (.annotations // {})}
  else {record: .name, expr: .query, labels: (.labels // {})} end]}]}' > "$work/rules.yml"
# counter SEGMENTS...: a counter's values, one a minute; each segment "MINUTES:INCREASE_PER_MINUTE".
counter() {
  awk -v segs="$*" 'BEGIN { n = split(segs, s, " "); v = 0; out = "0"
    for (i = 1; i <= n; i++) { split(s[i], p, ":"); for (m = 0; m < p[1]; m++) { v += p[2]; out = out " " v } }
    print out }'
}
series() { # endpoint method status values
  printf '      - series: %s\n        values: %s\n' \
    "'helixagent_requests_total{job=\"helixagent\", instance=\"helixagent-1:8080\", endpoint=\"$1\", method=\"$2\", status=\"$3\"}'" "'$4'"
}
# scenario ERROR_SEGMENTS EVAL_TIME: one test group: chat completions at 1000 ok/min plus the
# errors; other endpoints carry 10% of 503s (a degraded provider's health checks) that the SLI
# must ignore. Each group expects no alert at its own eval_time, so promtool's FAILED blocks name
# exactly the scenarios in which the alert fires.
scenario() {
  echo "  - interval: 1m"
  echo "    input_series:"
  series /v1/chat/completions POST 200 "$(counter 420:1000)"
  series /v1/chat/completions POST 502 "$(counter "$1")"
  series '/v1/providers/:id/health' GET 200 "$(counter 420:900)"
  series '/v1/providers/:id/health' GET 503 "$(counter 420:100)"
  echo "    alert_rule_test:"
  echo "      - eval_time: $2"
  echo "        alertname: $alert"
  echo "        exp_alerts: []"
}
{ echo "rule_files: [rules.yml]"
  echo "evaluation_interval: 1m"
  echo "tests:"
  scenario 420:0.5 7h                      # healthy: 0.05% fail (half the budget)
  scenario 420:4 6h59m                     # below: 0.4% fail (4x the budget)
  scenario '360:0.5 20:250' 6h20m          # fast burn: 20% fail for the last 20 minutes
  scenario 420:10 6h58m                    # slow burn: 1% fail (10x the budget)
  scenario '300:0.5 30:250 90:0.5' 6h10m   # a 30-minute burst that ended 40 minutes ago
} > "$work/test.yml"
out="$(cd "$work" && promtool test rules test.yml 2>&1)"
fired="$(printf '%s\n' "$out" | awk -v a="alertname=\"$alert\"" '
  /alertname: .*, time: / { t = $0; sub(/.*time: /, "", t); sub(/,.*/, "", t) }
  index($0, a) && t != "" { print t; t = "" }' | tr '\n' ' ')"
if ! printf '%s' "$out" | grep -q 'SUCCESS\|FAILED:'; then
  echo "FAIL: promtool could not evaluate your loaded rules:"; printf '%s\n' "$out" | head -15 | sed 's/^/  /'; exit 1
fi
fires() { case " $fired " in *" $1 "*) return 0 ;; esac; return 1; }
problems=()
fires 7h && problems+=("it fires on a healthy history (0.05% of chat completions fail, half the budget; the 10% of 503s on provider health checks are not chat completions).")
fires 6h59m && problems+=("it fires when 0.4% of chat completions fail for 7 hours: below 6x the 0.1% budget, that is no page.")
fires 6h20m || problems+=("it does not fire 20 minutes into a burst of 20% failed chat completions: the 1h and 5m windows above 14.4x the budget should.")
fires 6h58m || problems+=("it does not fire when 1% of chat completions fail for 7 hours: the 6h and 30m windows above 6x the budget should.")
fires 6h10m && problems+=("it still fires 40 minutes after a 30-minute burst ended: pair each long window (1h, 6h) with its short one (5m, 30m) so the page stops once the errors do.")
if [ "${#problems[@]}" -gt 0 ]; then
  for p in "${problems[@]}"; do echo "FAIL: $alert $p"; done
  echo "HINT: (1h ratio > 14.4 * 0.001 and 5m ratio > 14.4 * 0.001) or (6h ratio > 6 * 0.001 and 30m ratio > 6 * 0.001), the ratio being 5xx over all requests of endpoint=\"/v1/chat/completions\"."
  exit 1
fi

# ---- 2. live: quiet before the first burst, firing during one
now_true() { curl -s --max-time 5 "$prom/api/v1/query" --data-urlencode "query=$expr" | jq -r '.data.result | length'; }
marker=/tmp/academy-slo-burst
if [ ! -e "$marker" ] && [ "$(now_true)" != 0 ]; then
  fail "$alert's expression is true in your Prometheus right now, before any error burst: chat completions are not failing." \
    "curl -s $prom/api/v1/query --data-urlencode 'query=$expr' | jq"
fi
for i in 1 2 3; do
  curl -sf --max-time 3 "${auth[@]}" -H 'Content-Type: application/json' \
    -d "{\"kind\":\"auth\",\"provider\":\"$degraded\",\"key\":\"academy-slo-burst\"}" "http://helixagent-$i:9901/faults" >/dev/null \
    || fail "could not inject the error burst on helixagent-$i (is it running?)."
done
touch "$marker"
# rate() needs two samples of a series: a failed-completions series a burst creates between two
# scrapes would start at its final value and show no increase. One failure per instance first,
# then wait (up to two of the starter's 15 s scrapes) until Prometheus has sampled those series.
chat_burst() { # URL
  curl -s -o /dev/null --max-time 5 -H 'Content-Type: application/json' \
    -d "{\"model\":\"$degraded\",\"messages\":[{\"role\":\"user\",\"content\":\"burst\"}]}" "$1"
}
for i in 1 2 3; do chat_burst "http://helixagent-$i:8080/v1/chat/completions"; done
failed_series='count(helixagent_requests_total{endpoint="/v1/chat/completions", status=~"5.."})'
for _ in $(seq 1 35); do
  n="$(curl -s --max-time 5 "$prom/api/v1/query" --data-urlencode "query=$failed_series" | jq -r '.data.result[0].value[1] // 0')"
  [ "$n" -ge 3 ] 2>/dev/null && break
  sleep 1
done
for _ in $(seq 1 6); do
  for _ in $(seq 1 10); do chat_burst http://lb:8080/v1/chat/completions & done
  wait
done
for _ in $(seq 1 45); do
  [ "$(now_true)" != 0 ] && { echo "$alert passes the five synthetic histories and fired on a live burst of 60 failed chat completions."; exit 0; }
  sleep 1
done
fail "$alert passes the synthetic histories, but its expression did not become true in your Prometheus within 45 s of 60 failed chat completions." \
  "Is helixagent scraped every few seconds, and are the recording rules it uses loaded? curl -s $prom/api/v1/query --data-urlencode 'query=$expr' | jq"

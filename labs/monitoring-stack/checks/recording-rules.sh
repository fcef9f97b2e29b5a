#!/usr/bin/env bash
# Step "recording-rules": Prometheus has loaded the three recording rules and records them; each
# recorded series has exactly the labels the name promises (job / provider) and the value of the
# raw expression evaluated here at the same instant as the recorded sample.
set -u
fail() { echo "FAIL: $1"; [ -n "${2:-}" ] && echo "HINT: $2"; exit 1; }
prom=http://prometheus:9090
query() { curl -s --max-time 5 "$prom/api/v1/query" --data-urlencode "query=$1" ${2:+--data-urlencode "time=$2"}; }

# name | raw expression | the only label of its series
specs=(
  'job:helixagent_requests:rate5m|sum by (job) (rate(helixagent_requests_total[5m]))|job'
  'job:helixagent_requests_errors:rate5m|sum by (job) (rate(helixagent_requests_total{status=~"5.."}[5m]))|job'
  'provider:helixagent_provider_score:min|min by (provider) (helixagent_provider_score)|provider'
)
# Right after a reload the rules are listed before their first evaluation (health "unknown"), and
# the series recorded by the previous version of a rule are still the newest: wait for one.
for _ in $(seq 1 20); do
  rules="$(curl -s --max-time 3 "$prom/api/v1/rules?type=record")" || fail "Prometheus does not answer on prometheus:9090."
  [ "$(printf '%s' "$rules" | jq '[.data.groups[].rules[] | select(.health == "unknown")] | length')" = 0 ] && break
  sleep 1
done
sleep 1
recorded=()
for spec in "${specs[@]}"; do
  IFS='|' read -r name raw label <<<"$spec"
  rule="$(printf '%s' "$rules" | jq -c --arg n "$name" '[.data.groups[].rules[] | select(.name == $n)] | first // empty')"
  [ -n "$rule" ] || fail "Prometheus has no recording rule named $name loaded." \
    "Write it in /etc/prometheus/rules/recording.yml (record: $name), promtool check rules it, then curl -X POST $prom/-/reload"
  [ "$(printf '%s' "$rule" | jq -r .health)" != err ] || fail "recording rule $name fails to evaluate: $(printf '%s' "$rule" | jq -r .lastError)"
  # The name says 5m: a rate over another window records something else under this name.
  case "$name" in
    *rate5m) printf '%s' "$rule" | jq -r .query | grep -q '\[5m\]' || fail "recording rule $name does not take a rate over [5m] (its query: $(printf '%s' "$rule" | jq -r .query))." ;;
  esac
  ts=""
  for _ in $(seq 1 20); do
    ts="$(query "timestamp($name)" | jq -r '[.data.result[].value[1] | tonumber] | max // empty')"
    [ -n "$ts" ] && break
    sleep 1
  done
  [ -n "$ts" ] || fail "rule $name is loaded but Prometheus has recorded no series for it yet." \
    "Rules run every evaluation_interval; are the instances scraped (step 1)? Try again in a few seconds."
  mine="$(query "$name" "$ts")"; theirs="$(query "$raw" "$ts")"
  verdict="$(jq -nr --argjson a "$mine" --argjson b "$theirs" --arg l "$label" '
    def key: .metric | del(.__name__) | tojson;
    ($a.data.result | map({key: key, value: (.value[1] | tonumber), labels: (.metric | del(.__name__) | keys)})) as $mine
    | ($b.data.result | map({key: key, value: (.value[1] | tonumber)}) | from_entries) as $raw
    | if ($mine | length) == 0 then "no series"
      elif any($mine[]; .labels != [$l]) then "labels \($mine | map(.labels) | unique | tojson), not only \"\($l)\""
      elif ($mine | length) != ($raw | length) then "\($mine | length) series where the expression gives \($raw | length)"
      else ([$mine[] | select(($raw[.key] // null) == null or ((.value - $raw[.key]) | fabs) > (0.1 * ([(.value | fabs), ($raw[.key] | fabs)] | max)) + 1e-9)
             | "\(.key) = \(.value) where the expression gives \($raw[.key] // "nothing")"] | first // "ok")
      end')"
  [ "$verdict" = ok ] || fail "recorded series $name: $verdict." \
    "Compare with: curl -s $prom/api/v1/query --data-urlencode 'query=$raw' | jq"
  recorded+=("$name")
done
echo "Recorded and equal to their expressions: ${recorded[*]}."

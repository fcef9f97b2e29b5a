#!/usr/bin/env bash
# Step "dashboard": the learner's panels (/home/learner/dashboards/helixagent.yaml on the
# workstation, read here at /srv/dashboards) are run against Prometheus and must return the
# course's three shapes: request rate by endpoint, provider scores, and the error rate as a
# percentage (checked against the 5xx ratio computed here at the same instant).
set -u
fail() { echo "FAIL: $1"; [ -n "${2:-}" ] && echo "HINT: $2"; exit 1; }
file=/srv/dashboards/helixagent.yaml
[ -r "$file" ] || fail "the dashboard file /home/learner/dashboards/helixagent.yaml is missing."

# The documented subset of YAML: "- title: ..." / "query: ..." one per line, optionally quoted.
panels="$(awk '
  function unquote(v) {
    sub(/^[ \t]+/, "", v); sub(/[ \t]+$/, "", v)
    if (v ~ /^".*"$/) { v = substr(v, 2, length(v) - 2); gsub(/\\"/, "\"", v) }
    else if (v ~ /^\x27.*\x27$/) { v = substr(v, 2, length(v) - 2); gsub(/\x27\x27/, "\x27", v) }
    return v
  }
  /^[ \t]*#/ { next }
  /^[ \t]*-[ \t]+title:/ { if (title != "" || query != "") print title "\t" query; t = $0; sub(/^[ \t]*-[ \t]+title:/, "", t); title = unquote(t); query = ""; next }
  /^[ \t]*-[ \t]+query:/ { if (title != "" || query != "") print title "\t" query; q = $0; sub(/^[ \t]*-[ \t]+query:/, "", q); query = unquote(q); title = ""; next }
  /^[ \t]+title:/ { t = $0; sub(/^[ \t]+title:/, "", t); title = unquote(t); next }
  /^[ \t]+query:/ { q = $0; sub(/^[ \t]+query:/, "", q); query = unquote(q); next }
  END { if (title != "" || query != "") print title "\t" query }
' "$file")"
[ -n "$panels" ] || fail "the dashboard has no panels yet." "Add entries under panels:, each with a title: and a query: line."

now="$(date +%s)"
query() { curl -s --max-time 5 http://prometheus:9090/api/v1/query --data-urlencode "query=$1" --data-urlencode "time=$now"; }
ratio="$(query 'sum(rate(helixagent_requests_total{status=~"5.."}[5m])) / sum(rate(helixagent_requests_total[5m]))' | jq -r '.data.result[0].value[1] // "0"')"
# The total request rate can fall inside the percentage's band by chance: a single number closer to
# it than to the percentage is the request rate, not the error rate.
total="$(query 'sum(rate(helixagent_requests_total[5m]))' | jq -r '.data.result[0].value[1] // "0"')"

by_endpoint=""; by_provider=""; percentage=""; problems=()
while IFS=$'\t' read -r title expr; do
  [ -n "$expr" ] || { problems+=("panel '$title' has no query"); continue; }
  answer="$(query "$expr")"
  if [ "$(printf '%s' "$answer" | jq -r .status)" != success ]; then
    problems+=("panel '$title': Prometheus rejects the query: $(printf '%s' "$answer" | jq -r '.error // "no answer"')"); continue
  fi
  shape="$(printf '%s' "$answer" | jq -r --argjson r "$ratio" --argjson total "$total" '
    .data as $d
    | if $d.resultType != "vector" then "other"
      elif ($d.result | length) >= 2 and all($d.result[]; (.metric | keys) == ["endpoint"]) then "endpoint"
      elif ($d.result | length) >= 5 and all($d.result[]; .metric.provider != null and (.value[1] | tonumber) >= 0 and (.value[1] | tonumber) <= 10) then "provider"
      elif ($d.result | length) == 1 and ($d.result[0].metric | has("endpoint") or has("provider") | not) then
        ($d.result[0].value[1] | tonumber) as $v
        | if $r > 0 and $v >= $r * 100 / 3 and $v <= ([100, $r * 100 * 3] | min)
            and (($v - $r * 100) | fabs) < (($v - $total) | fabs) then "percentage"
          elif $r > 0 and $v > 0 and $v <= 1 then "ratio"
          else "single" end
      else "other" end')"
  case "$shape" in
    endpoint) by_endpoint="$title" ;;
    provider) by_provider="$title" ;;
    percentage) percentage="$title" ;;
    ratio) problems+=("panel '$title' shows the error rate as a ratio (0-1), not a percentage") ;;
    *) problems+=("panel '$title' returns none of the expected shapes") ;;
  esac
done <<<"$panels"

missing=0
[ -n "$by_endpoint" ] || { echo "FAIL: no panel shows the request rate by endpoint (one series per endpoint label, nothing else)."; missing=1; }
[ -n "$by_provider" ] || { echo "FAIL: no panel shows the provider scores (one series per provider per instance, values 0-10)."; missing=1; }
[ -n "$percentage" ] || { echo "FAIL: no panel shows the error rate as a percentage of all requests (one number, 0-100)."; missing=1; }
if [ "$missing" = 1 ]; then
  for p in "${problems[@]}"; do echo "FAIL: $p"; done
  echo "HINT: Lesson 3.2's three panels: sum(rate(helixagent_requests_total[5m])) by (endpoint), helixagent_provider_score, and the 5xx share * 100."
  exit 1
fi
echo "Dashboard panels: '$by_endpoint' (by endpoint), '$by_provider' (by provider), '$percentage' (error %)."

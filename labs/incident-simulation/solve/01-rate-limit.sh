#!/bin/bash
# Solve step 1 (workstation, as the learner): find the 429 provider, lower its rate limit, reload all.
set -euo pipefail
CONFIG=/etc/helixagent/config.yaml
NOTES=/home/learner/.game-day-notes

# set_provider PROVIDER KEY VALUE: edits one key inside one provider's block of config.yaml.
set_provider() {
  local tmp
  tmp=$(mktemp)
  awk -v p="$1" -v k="$2" -v v="$3" '
    /^[^ #]/ { inprov = 0 }
    /^  [A-Za-z0-9_-]+:[ \t]*$/ { inprov = ($0 ~ "^  " p ":") }
    inprov && $0 ~ "^ +" k ":" { sub(k ":.*", k ": " v) }
    { print }' "$CONFIG" > "$tmp"
  cat "$tmp" > "$CONFIG" && rm -f "$tmp"
}

reload_all() {
  local h
  for h in helixagent-1 helixagent-2 helixagent-3; do
    curl -fsS -X POST "http://$h:8080/admin/reload" >/dev/null || { echo "reload of $h failed" >&2; exit 1; }
  done
}

verification() { curl -fsS http://helixagent-1:8080/v1/providers/verification; }

provider=$(verification | jq -r '.providers[] | select(tostring | test("429 Too Many")) | .id' | head -n1)
[ -n "$provider" ] || { echo "no rate-limited provider found" >&2; exit 1; }
limit=$( { helixagent verify --provider "$provider" --verbose 2>&1 || true; } | grep -o 'x-ratelimit-limit: [0-9]*' | awk -F': ' 'NR == 1 { print $2 }')
[ -n "$limit" ] || { echo "no upstream limit found for $provider" >&2; exit 1; }
set_provider "$provider" requests_per_minute "$limit"
reload_all
echo "rate_limited=$provider limit=$limit at=$(date -u +%H:%M)" >> "$NOTES"

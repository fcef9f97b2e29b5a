#!/bin/bash
# Solve step 3 (workstation): give the degraded provider a healthy fallback, reload all.
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

v=$(verification)
provider=$(jq -r '.providers[] | select(.status != "disabled" and .score < 7) | .id' <<<"$v" | head -n1)
[ -n "$provider" ] || { echo "no degraded provider found" >&2; exit 1; }
fallback=$(jq -r --arg p "$provider" '.providers[] | select(.id != $p and .verified == true) | .id' <<<"$v" | head -n1)
[ -n "$fallback" ] || { echo "no healthy fallback available" >&2; exit 1; }
set_provider "$provider" fallback "$fallback"
reload_all
echo "degraded=$provider fallback=$fallback at=$(date -u +%H:%M)" >> "$NOTES"

#!/bin/bash
# Solve step 2 (workstation): put the rotated key from the vault into service, reload all.
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

provider=$(verification | jq -r '.providers[] | select(tostring | test("401 Unauthorized")) | .id' | head -n1)
[ -n "$provider" ] || { echo "no provider with an authentication failure found" >&2; exit 1; }
key=$(cat "/home/learner/vault/$provider.key")
set_provider "$provider" api_key "$key"
reload_all
helixagent verify --provider "$provider" --test auth >/dev/null
echo "auth_failed=$provider at=$(date -u +%H:%M)" >> "$NOTES"

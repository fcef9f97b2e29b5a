#!/bin/bash
# Step 2: the provider whose key was revoked runs with the rotated key (from the vault) on every
# instance and verifies again.
source /academy/lib/scenario.sh
source /academy/lib/instances.sh
scenario_load
ensure_faults || true

verdicts=$(for_each_instance "$JQ_DEFS"'
  if cfg == null then "missing"
  elif cfg.enabled != true then "disabled"
  elif ([ver($p).checks[]? | select(.name == "auth" and .passed == false)] | length) > 0 then "rejected"
  elif ver($p).verified != true then "unverified"
  else "ok" end' "$AUTH_FAILED")

bad=0
report() { local hosts; hosts=$(hosts_with "$1" <<<"$verdicts"); [ -n "$hosts" ] && { echo "FAIL: $hosts: $2"; bad=1; }; return 0; }
report unreachable "the control API did not answer; the instance may be down (wait a few seconds and check again)."
report missing "the provider with the authentication failure is missing from the running config."
report disabled "the provider with the authentication failure is disabled. Rotate its key instead of switching it off."
report rejected "the upstream still rejects the provider's api_key (HTTP 401)."
report unverified "the provider with the rotated key still fails verification."
if [ $bad -ne 0 ]; then
  echo "HINT: 'helixagent verify --provider NAME --test auth' shows which provider gets HTTP 401. The new key is in ~/vault/NAME.key: put it in providers.NAME.api_key in /etc/helixagent/config.yaml."
  echo "HINT: Then POST /admin/reload on every instance and run the auth test again."
  exit 1
fi
echo "OK: the rotated key is in service on every instance."

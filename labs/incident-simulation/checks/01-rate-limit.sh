#!/bin/bash
# Step 1: the rate-limited provider runs at or below its upstream limit on every instance
# (config reloaded everywhere) and verifies again; it must not simply be switched off.
source /academy/lib/scenario.sh
source /academy/lib/instances.sh
scenario_load
ensure_faults || true

verdicts=$(for_each_instance "$JQ_DEFS"'
  if cfg == null then "missing"
  elif cfg.enabled != true then "disabled"
  elif cfg.rate_limit.requests_per_minute > '"$UPSTREAM_LIMIT"' then "too-high"
  elif ver($p).verified != true then "unverified"
  else "ok" end' "$RATE_LIMITED")

bad=0
report() { local hosts; hosts=$(hosts_with "$1" <<<"$verdicts"); [ -n "$hosts" ] && { echo "FAIL: $hosts: $2"; bad=1; }; return 0; }
report unreachable "the control API did not answer; the instance may be down (wait a few seconds and check again)."
report missing "the rate-limited provider is missing from the running config; keep every provider in config.yaml."
report disabled "the rate-limited provider is disabled. It still works at a lower request rate: lower its limit instead of switching it off."
report too-high "the running config still allows more requests per minute than the upstream accepts for the rate-limited provider."
report unverified "the rate-limited provider still fails verification."
if [ $bad -ne 0 ]; then
  echo "HINT: Find the provider whose verification fails with HTTP 429: 'helixagent verify --provider NAME --verbose' shows the upstream's x-ratelimit-limit. Set providers.NAME.rate_limit.requests_per_minute at or below it in /etc/helixagent/config.yaml."
  echo "HINT: A changed file is not a changed service: POST /admin/reload on helixagent-1, helixagent-2 and helixagent-3 (the load balancer would reach only one of them)."
  exit 1
fi
echo "OK: the rate-limited provider runs within its upstream limit and verifies on every instance."

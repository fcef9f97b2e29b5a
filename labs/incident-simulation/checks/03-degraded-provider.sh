#!/bin/bash
# Step 3: the degraded provider (score below 7; nothing for the operator to fix upstream) is
# routed around on every instance: disabled, or given a fallback that is enabled and verified.
source /academy/lib/scenario.sh
source /academy/lib/instances.sh
scenario_load
ensure_faults || true

verdicts=$(for_each_instance "$JQ_DEFS"'
  if cfg == null then "missing"
  elif cfg.enabled != true then "ok"
  elif cfg.fallback == null then "no-fallback"
  elif cfg.fallback == $p then "self-fallback"
  elif .config.providers[cfg.fallback] == null then "unknown-fallback"
  elif .config.providers[cfg.fallback].enabled != true then "fallback-disabled"
  elif ver(cfg.fallback).verified != true then "fallback-unhealthy"
  else "ok" end' "$DEGRADED")

bad=0
report() { local hosts; hosts=$(hosts_with "$1" <<<"$verdicts"); [ -n "$hosts" ] && { echo "FAIL: $hosts: $2"; bad=1; }; return 0; }
report unreachable "the control API did not answer; the instance may be down (wait a few seconds and check again)."
report missing "the degraded provider is missing from the running config; keep it in config.yaml (disable it instead of deleting it)."
report no-fallback "the degraded provider is still enabled with no fallback: its weak answers still go into the ensemble."
report self-fallback "the degraded provider falls back to itself, which routes nothing around it."
report unknown-fallback "the degraded provider's fallback is not a configured provider."
report fallback-disabled "the degraded provider's fallback is disabled."
report fallback-unhealthy "the degraded provider's fallback does not verify; pick a healthy provider."
if [ $bad -ne 0 ]; then
  echo "HINT: The degraded provider is the one whose score is below 7.0 in /v1/providers/verification. Follow the runbook: set its fallback to a provider that verifies, or set enabled: false."
  echo "HINT: Then POST /admin/reload on every instance."
  exit 1
fi
echo "OK: the degraded provider is routed around on every instance."

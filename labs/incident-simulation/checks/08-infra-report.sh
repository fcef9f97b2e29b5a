#!/bin/bash
# Step 8: /home/learner/infra-incident-report.md tells what THIS sandbox went through in the
# infrastructure incident: which instance crash-looped, which was slow, that the primary was
# lost, each with the alert that fired and a time inside the window the grader recorded when it
# injected the fault (lib/infra.sh); plus roles and status updates. Requires steps 5-7.
source /academy/lib/scenario.sh
source /academy/lib/infra.sh
scenario_load
infra_load
if [ ! -f "$INFRA_REPORT_FILE" ]; then
  echo "FAIL: There is no incident report at /home/learner/infra-incident-report.md on the workstation."
  echo "HINT: Start from the Incident Report Template and add the \"## Roles\" and \"## Status Updates\" sections."
  exit 1
fi
infra_started || infra_not_started
start=$(infra_since crash_loop)
if [ "$(stat -c %Y "$INFRA_REPORT_FILE")" -lt "$start" ]; then
  echo "FAIL: The report was last changed before this incident began ($(date -u -d "@$start" +%H:%M) UTC): a post-mortem is written after the incident."
  exit 1
fi
windows=$(awk -v now="$(date -u +%s)" '{ printf "%s%s=%s:%s:%s", sep, $1, $2, $3, now; sep = "," }' "$INFRA_WINDOWS")
exec node /academy/lib/check-report.mjs "$INFRA_REPORT_FILE" "$windows" "${INSTANCES[*]} pg-primary" infrastructure

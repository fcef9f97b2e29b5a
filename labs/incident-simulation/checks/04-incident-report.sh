#!/bin/bash
# Step 4: /home/learner/incident-report.md follows the course's template and names this
# sandbox's faulted providers in its root cause.
source /academy/lib/scenario.sh
scenario_load
if [ ! -f "$REPORT_FILE" ]; then
  echo "FAIL: There is no incident report at /home/learner/incident-report.md on the workstation."
  echo "HINT: Start from the Incident Report Template (runbooks), or draft it in the template's form and save the Markdown to /home/learner/incident-report.md."
  exit 1
fi
exec node /academy/lib/check-report.mjs "$REPORT_FILE" "$DEGRADED" "$RATE_LIMITED" "$AUTH_FAILED"

#!/bin/bash
# Step 4: /home/learner/incident-report.md follows the course's template and is true of THIS
# sandbox: each faulted provider named with its failure mode and a timeline time inside the
# window its fault was live (recorded by the setup hook where the learner cannot reach), and no
# provider blamed that was not faulted. Requires steps 1-3 (lab.yaml), so it runs after the fixes.
source /academy/lib/scenario.sh
scenario_load
if [ ! -f "$REPORT_FILE" ]; then
  echo "FAIL: There is no incident report at /home/learner/incident-report.md on the workstation."
  echo "HINT: Start from the Incident Report Template (runbooks), or draft it in the template's form and save the Markdown to /home/learner/incident-report.md."
  exit 1
fi
if [ ! -s "$FAULT_WINDOWS" ]; then
  echo "FAIL: The game day's fault times are missing on the grader (a lab problem, not yours): reset the lab or tell your instructor."
  exit 2
fi
windows=$(awk -v now="$(date -u +%s)" '{ printf "%s%s=%s:%s:%s", sep, $1, $2, $3, now; sep = "," }' "$FAULT_WINDOWS")
exec node /academy/lib/check-report.mjs "$REPORT_FILE" "$windows" "${PROVIDERS[*]}"

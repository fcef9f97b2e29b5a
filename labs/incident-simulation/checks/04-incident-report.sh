#!/bin/bash
# Step 4: /home/learner/incident-report.md follows the course's template and is true of THIS
# sandbox: each faulted provider named with its failure mode and a timeline time inside the
# window its fault was live (recorded by the setup hook where the learner cannot reach), and no
# provider blamed that was not faulted. Requires steps 1-3 (lab.yaml), so it runs after the fixes.
# Once it passes, the infrastructure scenario (steps 5-8, lib/infra.sh) starts: the pager goes off.
source /academy/lib/scenario.sh
source /academy/lib/infra.sh
scenario_load
infra_load
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
node /academy/lib/check-report.mjs "$REPORT_FILE" "$windows" "${PROVIDERS[*]}" || exit $?
if ! infra_started; then
  if ! start_infra_incident; then
    echo "FAIL: Your report is fine, but the next scenario could not start (a lab problem, not yours): press Check again."
    exit 2
  fi
  echo "OK: Your pager goes off again: alerts are firing for the platform itself. Go on to step 5."
fi

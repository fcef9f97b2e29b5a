#!/bin/bash
# Step 3: /home/learner/dr-report.md records the measured recovery time (compared with what the
# grader observed: disaster to verified restore), whether it met the plan's RTO (the objective,
# 4 hours), and the rows restored.
source /academy/lib/dr.sh
fail() { echo "FAIL: $1"; [ -n "${2:-}" ] && echo "HINT: $2"; exit 1; }
d=$(disaster_at); r=$(restored_at)
[ -n "$d" ] || fail "The disaster has not happened yet (step 1)."
[ -n "$r" ] || fail "The restore has not been verified yet (step 2)." "Finish step 2 and press its Check button."
[ -f "$REPORT_FILE" ] || fail "There is no DR report at /home/learner/dr-report.md on the workstation." \
  "Write the lines Measured recovery time: MINUTES, RTO objective met: yes/no and Rows restored: N into ~/dr-report.md."

observed=$(( (r - d) ))  # seconds
line() { grep -iE "^[-*[:space:]]*\**$1\**[[:space:]]*:" "$REPORT_FILE" | head -n1 | sed -E 's/^[^:]*:[[:space:]]*//'; }
rto=$(line '(Measured|Achieved) recovery time' | grep -oE '^[0-9]+([.,][0-9]+)?' | tr , .)
met=$(line 'RTO objective met' | grep -oiE '^(yes|no)' | tr '[:upper:]' '[:lower:]')
rows=$(line 'Rows restored' | grep -oE '^[0-9]+')
bad=0
if [ -z "$rto" ]; then
  echo "FAIL: The report has no line \"Measured recovery time: MINUTES\" (the recovery time you measured, in minutes)."
  [ -n "$(line 'RTO')" ] && echo "HINT: \"RTO:\" is the plan's objective (4 hours), not what you measured: report your result as Measured recovery time: MINUTES."
  bad=1
else
  # Tolerance: 3 minutes or 25 %, whichever is larger (the learner's clock starts when they read the page).
  verdict=$(awk -v rto="$rto" -v obs="$observed" 'BEGIN { o = obs / 60; tol = (o * 0.25 > 3) ? o * 0.25 : 3; d = rto - o; if (d < 0) d = -d; print (d <= tol) ? "ok" : sprintf("%.1f", o) }')
  if [ "$verdict" != ok ]; then
    echo "FAIL: The measured recovery time you reported ($rto min) is far from the one the grader measured from the disaster to the verified restore."
    echo "HINT: Recovery time = the time the restore was verified minus the disaster time in ~/ops/PAGE.txt, in minutes."
    bad=1
  fi
fi
truth=$([ $((observed / 60)) -le $RTO_OBJECTIVE_MINUTES ] && echo yes || echo no)
if [ -z "$met" ]; then echo "FAIL: The report has no line \"RTO objective met: yes\" or \"... no\"."; bad=1
elif [ "$met" != "$truth" ]; then echo "FAIL: \"RTO objective met: $met\" does not match your measured recovery time and the plan's RTO."; echo "HINT: The Disaster Recovery Plan's RTO is 4 hours."; bad=1; fi
if [ -z "$rows" ]; then echo "FAIL: The report has no line \"Rows restored: N\" (the audit_ledger row count after the restore)."; bad=1
elif [ "$rows" != "$LEDGER_ROWS" ]; then echo "FAIL: \"Rows restored: $rows\" is not the number of rows in the restored audit_ledger."; bad=1; fi
[ $bad = 0 ] || exit 1
echo "OK: measured recovery time $rto min (the grader saw $((observed / 60)) min $((observed % 60)) s); within the plan's 4-hour RTO: $truth."

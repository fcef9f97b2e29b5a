#!/bin/bash
# Step 6: the slow instance is out of rotation in HAProxy (DRAIN or MAINT), and only it: the
# other instances stay in rotation (their state is the health checks' to decide). Read from
# HAProxy's own stats on the grader. Once it passes, the PostgreSQL primary is lost (step 7).
source /academy/lib/scenario.sh
source /academy/lib/infra.sh
scenario_load
infra_load
infra_started || infra_not_started
ensure_slow || true
bad=0
for host in "${INSTANCES[@]}"; do
  status=$(lb_server_status "$host")
  if [ -z "$status" ]; then
    echo "FAIL: HAProxy's stats page did not answer or does not list $host (wait a few seconds and check again)."
    exit 1
  fi
  if [ "$host" = "$SLOW_INSTANCE" ]; then
    [[ $status == MAINT* || $status == DRAIN* ]] || { echo "FAIL: The slow instance is still in rotation: HAProxy keeps sending it new requests."; bad=1; }
  elif [[ $status == MAINT* || $status == DRAIN* ]]; then
    echo "FAIL: $host is out of rotation ($status), but it answers as fast as ever: put it back (set server helixagent/$host state ready)."
    bad=1
  fi
done
if [ $bad -ne 0 ]; then
  echo "HINT: amtool alert query shows which instance HelixAgentSlowInstance fires for; time /ready on each instance to confirm."
  echo "HINT: Take only that one out of rotation through HAProxy's runtime API: echo \"set server helixagent/NAME state drain\" | nc lb 9999"
  exit 1
fi
lose_primary
echo "OK: the slow instance is out of rotation and the others still serve."
echo "OK: ...and the pager goes off once more: PostgresPrimaryDown. Go on to step 7."

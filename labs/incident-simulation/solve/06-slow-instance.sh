#!/bin/bash
# Solve step 6 (workstation): time /ready on every instance, drain the slow one in HAProxy.
set -euo pipefail
NOTES=/home/learner/.infra-notes
slow=
for h in helixagent-1 helixagent-2 helixagent-3; do
  t=$(curl -s --max-time 10 -o /dev/null -w '%{time_total}' "http://$h:8080/ready" || echo 0)
  if awk -v t="$t" 'BEGIN { exit !(t > 1.5) }'; then slow=$h; fi
done
[ -n "$slow" ] || { echo "no slow instance found" >&2; exit 1; }
echo "set server helixagent/$slow state drain" | nc lb 9999
echo "show servers state helixagent" | nc lb 9999 | grep -q "$slow" || { echo "HAProxy did not answer" >&2; exit 1; }
echo "slow=$slow at=$(date -u +%H:%M)" >> "$NOTES"

#!/bin/bash
# Solve step 5 (workstation): find the crash-looping instance from its log lines, roll back its
# canary release, and wait until it has stayed up.
set -euo pipefail
NOTES=/home/learner/.infra-notes
LOG=/var/log/helixagent/helixagent.log
echo "incident_start at=$(date -u +%H:%M)" >> "$NOTES"
instance=
for _ in $(seq 1 60); do
  instance=$(jq -rR 'fromjson? | select(.msg | test("^helixagent exited")) | .instance' "$LOG" | tail -n 1)
  [ -n "$instance" ] && [ -f "/srv/deploy/$instance.yaml" ] && break
  instance=
  sleep 1
done
[ -n "$instance" ] || { echo "no crash-looping instance found in $LOG" >&2; exit 1; }
mv "/srv/deploy/$instance.yaml" "/home/learner/rolled-back-$instance.yaml"
for _ in $(seq 1 60); do
  up=$(curl -s --max-time 3 "http://$instance:8080/health" | jq -r '.uptime_seconds // 0' 2>/dev/null || echo 0)
  [ "${up:-0}" -ge 12 ] && break
  sleep 1
done
[ "${up:-0}" -ge 12 ] || { echo "$instance did not stay up after the rollback" >&2; exit 1; }
echo "crash_loop=$instance at=$(date -u +%H:%M)" >> "$NOTES"

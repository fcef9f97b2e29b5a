#!/bin/bash
# Step 5: the instance that a bad canary release sent into a crash loop runs again and stays up:
# it answers, it was (re)started after the incident began, and it has been up for 10 s or more.
# Judged from the instance itself (its /health uptime), not from the learner's files.
source /academy/lib/scenario.sh
source /academy/lib/infra.sh
scenario_load
infra_load
infra_started || infra_not_started
since=$(infra_since crash_loop)
health=$(curl -s --max-time 5 "http://$CRASH_INSTANCE:8080/health")
uptime=$(jq -r '.uptime_seconds // empty' <<<"$health" 2>/dev/null)
if [ -z "$uptime" ]; then
  echo "FAIL: An instance is still not answering: it exits and restarts every few seconds (a crash loop)."
  echo "HINT: amtool alert query shows which instance is down; its own log lines (jq on /var/log/helixagent/helixagent.log) say why it exits. What changed on that instance alone?"
  echo "HINT: A bad release is rolled back, not restarted: the canary's file is in /srv/deploy."
  exit 1
fi
started=$(( $(date -u +%s) - uptime ))
if [ "$started" -lt "$since" ]; then
  # The release never took effect (the restart onto it was lost): restart the instance onto it.
  control POST "$CRASH_INSTANCE" /faults '{"kind":"crash","exit_code":1,"delay_ms":0}' >/dev/null 2>&1
  echo "FAIL: The incident's first restart had not happened yet on this sandbox; it has now. Look at the alerts again in a minute."
  exit 1
fi
if [ "$uptime" -lt 10 ]; then
  echo "FAIL: The crash-looping instance came up ${uptime} s ago. Press Check again in a few seconds to confirm it stays up."
  exit 1
fi
echo "OK: the crash-looping instance runs again and has stayed up for ${uptime} s."

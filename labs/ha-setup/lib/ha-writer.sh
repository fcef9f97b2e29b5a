#!/usr/bin/env bash
# Lab 1's background writer (docs/decisions/037), run detached on the grader by ledger.sh's
# writer_ensure. About once a second it creates a debate through lb:8080 with a topic it makes
# up (writer-<ms since epoch>-<random>) and, ONLY when the instances acknowledge it (201), owes
# it in the ledger: a write that fails during the outage was never promised to anyone. Every
# attempt goes to the writer's log with its answer, so a check can tell when writes stopped and
# resumed. It stops by itself once the time in WRITER_UNTIL has passed (the checks of the
# failover steps push it 30 min ahead), so a sandbox never runs it for ever.
set -u
source /academy/lib/ledger.sh
while :; do
  now_ms="$(date +%s%3N)"
  until_s="$(cat "$WRITER_UNTIL" 2>/dev/null || echo 0)"
  [ "${now_ms:0:-3}" -lt "$until_s" ] 2>/dev/null || exit 0
  topic="writer-$now_ms-$RANDOM"
  # --max-time: an answer that never comes is not an acknowledgement either.
  code="$(curl -s --max-time 3 -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
    -d "{\"topic\":\"$topic\",\"rounds\":1}" "${HELIXAGENT_URL:-http://lb:8080}/v1/debates")"
  if [ "$code" = 201 ]; then printf 'debate %s\n' "$topic" >>"$LEDGER"; fi
  printf '%s %s %s\n' "$now_ms" "${code:-000}" "$topic" >>"$WRITER_LOG"
  sleep 1
done

#!/bin/bash
# Solve step 4 (workstation): writes the incident report from the notes taken in steps 1-3.
set -euo pipefail
NOTES=/home/learner/.game-day-notes
note() { grep -o "$1=[^ ]*" "$NOTES" | tail -n1 | cut -d= -f2; }
rl=$(note rate_limited); limit=$(note limit); auth=$(note auth_failed); deg=$(note degraded); fb=$(note fallback)
# When each fix was made (the note line of that provider).
at() { grep "$1=" "$NOTES" | tail -n1 | grep -o 'at=[0-9:]*' | cut -d= -f2; }
rl_at=$(at rate_limited); auth_at=$(at auth_failed); deg_at=$(at degraded)
first=$(grep -o 'at=[0-9:]*' "$NOTES" | head -n1 | cut -d= -f2); last=$(grep -o 'at=[0-9:]*' "$NOTES" | tail -n1 | cut -d= -f2)
cat > /home/learner/incident-report.md <<MD
# Incident Report: INC-0042 Degraded chat completions from three providers

## Summary
- **Severity**: P2
- **Duration**: $first - $last UTC
- **Impact**: About a third of ensemble calls to three providers failed or returned low-quality answers.

## Timeline
| Time (UTC) | Event |
|------------|-------|
| $rl_at | Rate limit on $rl lowered to $limit/min and all instances reloaded |
| $auth_at | Revoked key of $auth replaced with the rotated key from the vault |
| $deg_at | Degraded provider $deg routed to fallback $fb; incident resolved |

## Root Cause
Three independent provider problems: $rl was rate limited upstream ($limit requests/min) while we sent 60/min;
the api_key of $auth had been revoked (HTTP 401); $deg degraded in quality (score below 7).

## Resolution
Lowered requests_per_minute for $rl, rotated the key of $auth from the vault, set fallback $fb for $deg,
and reloaded helixagent-1..3 with POST /admin/reload.

## Action Items
| Item | Owner | Due Date | Status |
|------|-------|----------|--------|
| Alert when a provider's score stays below 7 for 5 minutes | @sre-oncall | 2026-12-15 | Open |

## Lessons Learned
Per-instance rate limits add up across three instances; keep fallbacks configured for every provider.
MD

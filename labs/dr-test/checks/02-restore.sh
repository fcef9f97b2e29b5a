#!/bin/bash
# Step 2: after the disaster, pg-primary holds the seeded data again, bit for bit (row count and
# checksum recomputed from the seed), and HelixAgent serves from it through the load balancer.
source /academy/lib/dr.sh
if [ -z "$(disaster_at)" ]; then
  echo "FAIL: The disaster has not happened yet, so there is nothing to restore."
  echo "HINT: Pass step 1 first: its check triggers the disaster once your backup is verified."
  exit 1
fi
verdict=$(dr_integrity)
if [ "$verdict" != ok ]; then
  echo "FAIL: The primary is not restored: $verdict."
  echo "HINT: Fetch the newest archive from /mnt/backup, decrypt it, check SHA256SUMS, then pg_restore the dump into helixagent_db on pg-primary (port 5432)."
  exit 1
fi
# The load balancer marked the instances down during the disaster; its health checks need a
# few seconds (PgBouncer's login retry, then rise 2 every 2 s) to see them healthy again.
for _ in $(seq 1 20); do
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 http://lb:8080/v1/debates)
  [ "$code" = 200 ] && break
  sleep 1
done
if [ "$code" != 200 ]; then
  echo "FAIL: The data is back, but GET /v1/debates through the load balancer answers $code instead of 200."
  echo "HINT: Check /health and /ready on helixagent-1..3: the instances need their tables (debates, tasks) back."
  exit 1
fi
mark_restored
echo "OK: pg-primary is restored and verified; HelixAgent serves through the load balancer."

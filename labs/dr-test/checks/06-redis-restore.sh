#!/bin/bash
# Step redis-restore: after the disaster's FLUSHALL, the Redis cluster holds every session key
# seeded before the backup again, each with its value and an expiry, on the master that owns its
# slot (read through a cluster-aware redis-cli, so a key parked on another node does not count).
source /academy/lib/dr.sh
source /academy/lib/redis.sh
if [ -z "$(disaster_at)" ]; then
  echo "FAIL: The disaster has not happened yet, so there is nothing to restore."
  echo "HINT: Pass step 1 first: its check triggers the disaster once your backup is verified."
  exit 1
fi
verdict=$(redis_sessions_verdict)
if [ "$verdict" = ok ]; then
  echo "OK: all $REDIS_SESSION_KEYS session keys from before the disaster are back in the Redis cluster, with their values and expiry."
  exit 0
fi
echo "FAIL: The Redis cluster is not restored: $verdict."
case "$verdict" in
  none*)
    echo "HINT: A snapshot taken now holds the flushed cluster: restore the RDB files from your backup archive (before the disaster), and import them into the cluster (redis-1..3), not only into a scratch server." ;;
  *missing*)
    echo "HINT: Each RDB holds only the slots of the master it was taken from: load and import every master's snapshot from the archive." ;;
  *expiry*)
    echo "HINT: redis-cli --cluster import copies keys with MIGRATE, which keeps their TTL; a GET-then-SET copy does not." ;;
  *)
    echo "HINT: On redis-restore, for each RDB of the backup: redis-server --port 7000 --bind 127.0.0.1 --dir DIR --dbfilename FILE --appendonly no --save '' --requirepass \"\$REDISCLI_AUTH\" --daemonize yes, then redis-cli --cluster import redis-1:6379 --cluster-from 127.0.0.1:7000 --cluster-from-pass \"\$REDISCLI_AUTH\" --cluster-copy --cluster-replace." ;;
esac
exit 1

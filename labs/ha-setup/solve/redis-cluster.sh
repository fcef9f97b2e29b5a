#!/usr/bin/env bash
# Runs on the workstation (REDISCLI_AUTH is set there): six nodes, three masters with one
# replica each, as in lesson 1.3. A cluster made of three masters only gets the other three
# nodes added as replicas instead.
set -euo pipefail
known() { redis-cli -h redis-1 cluster info | tr -d '\r' | awk -F: '$1 == "cluster_known_nodes" { print $2 }'; }
if [ "$(known)" -lt 3 ]; then
  redis-cli --cluster create redis-1:6379 redis-2:6379 redis-3:6379 redis-4:6379 redis-5:6379 redis-6:6379 --cluster-replicas 1 --cluster-yes
elif [ "$(known)" -lt 6 ]; then
  for n in 4 5 6; do
    if ! redis-cli -h redis-1 cluster nodes | grep -q "$(getent hosts "redis-$n" | cut -d' ' -f1):6379"; then
      redis-cli --cluster add-node "redis-$n:6379" redis-1:6379 --cluster-slave
      sleep 3
    fi
  done
fi
for _ in $(seq 1 30); do
  replicas="$(redis-cli -h redis-1 cluster nodes | awk '$3 ~ /slave/ && $8 == "connected"' | wc -l)"
  redis-cli -h redis-1 cluster info | tr -d '\r' | grep -qx 'cluster_state:ok' && [ "$(known)" -ge 6 ] && [ "$replicas" -ge 3 ] && exit 0
  sleep 1
done
echo "cluster_state did not become ok with six nodes and three replicas" >&2
exit 1

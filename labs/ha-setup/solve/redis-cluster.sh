#!/usr/bin/env bash
# Runs on the workstation (REDISCLI_AUTH is set there): create the cluster as in lesson 1.3.
set -euo pipefail
known="$(redis-cli -h redis-1 cluster info | tr -d '\r' | awk -F: '$1 == "cluster_known_nodes" { print $2 }')"
if [ "${known:-1}" -lt 3 ]; then
  redis-cli --cluster create redis-1:6379 redis-2:6379 redis-3:6379 --cluster-yes
fi
for _ in $(seq 1 30); do
  redis-cli -h redis-1 cluster info | tr -d '\r' | grep -qx 'cluster_state:ok' && exit 0
  sleep 1
done
echo "cluster_state did not become ok" >&2
exit 1

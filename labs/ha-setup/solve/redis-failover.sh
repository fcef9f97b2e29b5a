#!/usr/bin/env bash
# Runs on the workstation: the drill of the step text. Shut down one master, watch its replica
# take over and cluster_state return to ok, then wait for the stopped node to rejoin as a replica.
set -euo pipefail
state() { redis-cli -h "$1" cluster info 2>/dev/null | tr -d '\r' | awk -F: '$1 == "cluster_state" { print $2 }'; }
# The first master with slots, and the replica that follows it (CLUSTER NODES: id addr flags master-id ...).
# By name, as the step text does: a node that restarts may come back at another address.
name_of() { for n in 1 2 3 4 5 6; do [ "$(getent hosts "redis-$n" | awk '{ print $1; exit }')" = "$1" ] && echo "redis-$n"; done; return 0; }
nodes="$(redis-cli -h redis-1 cluster nodes | tr -d '\r')"
master_id="$(printf '%s\n' "$nodes" | awk '$3 ~ /master/ && $3 !~ /fail/ && $9 != "" { print $1; exit }')"
master="$(name_of "$(printf '%s\n' "$nodes" | awk -v id="$master_id" '$1 == id { split($2, a, ":"); print a[1] }')")"
replica="$(name_of "$(printf '%s\n' "$nodes" | awk -v id="$master_id" '$4 == id { split($2, a, ":"); print a[1]; exit }')")"
[ -n "$master" ] && [ -n "$replica" ] || { echo "no master with a replica among redis-1..6" >&2; exit 1; }
echo "shutting down master $master; its replica is $replica"
redis-cli -h "$master" shutdown || true
for _ in $(seq 1 40); do
  if redis-cli -h "$replica" role | head -1 | grep -qx master && [ "$(state "$replica")" = ok ]; then break; fi
  sleep 0.5
done
redis-cli -h "$replica" role | head -1 | grep -qx master || { echo "the replica did not take over" >&2; exit 1; }
echo "replica $replica is the new master; cluster_state:$(state "$replica")"
for _ in $(seq 1 70); do
  if timeout 3 redis-cli -h "$master" role 2>/dev/null | head -1 | grep -qx slave; then echo "$master is back as a replica"; exit 0; fi
  sleep 0.5
done
echo "$master did not come back as a replica" >&2
exit 1

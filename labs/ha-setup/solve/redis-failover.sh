#!/usr/bin/env bash
# Runs on the workstation: the drill of the step text. Shut down one master, watch its replica
# take over and cluster_state return to ok, then wait for the stopped node to rejoin as a replica.
set -euo pipefail
state() { redis-cli -h "$1" cluster info 2>/dev/null | tr -d '\r' | awk -F: '$1 == "cluster_state" { print $2 }'; }
# A master with slots and a connected replica that follows it (CLUSTER NODES: id addr flags
# master-id ping pong epoch link slots...), by name, as the step text does: a node that restarts
# may come back at another address. A node that just rejoined shows up in redis-1's view a moment
# after it says so itself (gossip), so look again for a few seconds before giving up.
name_of() { for n in 1 2 3 4 5 6; do [ "$(getent hosts "redis-$n" | awk '{ print $1; exit }')" = "$1" ] && echo "redis-$n"; done; return 0; }
master="" replica=""
for _ in $(seq 1 30); do
  pair="$(redis-cli -h redis-1 cluster nodes | tr -d '\r' | awk '
    { split($2, a, ":"); ip[$1] = a[1] }
    $3 ~ /master/ && $3 !~ /fail/ && $9 != "" { masters[++n] = $1 }
    $3 ~ /slave/ && $3 !~ /fail/ && $8 == "connected" && !($4 in follower) { follower[$4] = $1 }
    END { for (i = 1; i <= n; i++) if (masters[i] in follower) { print ip[masters[i]], ip[follower[masters[i]]]; exit } }' || true)"
  if [ -n "$pair" ]; then
    master="$(name_of "${pair% *}")" replica="$(name_of "${pair#* }")"
    [ -n "$master" ] && [ -n "$replica" ] && break
  fi
  sleep 0.5
done
[ -n "$master" ] && [ -n "$replica" ] || { echo "no master with a connected replica among redis-1..6" >&2; exit 1; }
# A replica still copying its master cannot take over (its data counts as too old): wait for the link.
for _ in $(seq 1 30); do
  redis-cli -h "$replica" info replication | tr -d '\r' | grep -qx 'master_link_status:up' && break
  sleep 0.5
done
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

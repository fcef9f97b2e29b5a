#!/usr/bin/env bash
# Step "redis-cluster": redis-1..6 form one cluster with all 16384 slots covered by three
# masters, each with a connected replica, and the HelixAgent instances use it again (/health
# reports redis up). Runs on the grader.
set -u
fail() { echo "FAIL: $1"; [ -n "${2:-}" ] && echo "HINT: $2"; exit 1; }
nodes=(redis-1 redis-2 redis-3 redis-4 redis-5 redis-6)

# Right after `redis-cli --cluster create` the nodes agree on the slots but may report
# cluster_state:fail for a few seconds while they gossip: give a forming cluster (slots are
# assigned) up to 10 s in all, but do not wait for one that was never created. A node that was
# just stopped (step "redis-failover") is back within about 25 s: wait for it too.
cluster_info() { redis-cli --no-auth-warning -h "$1" cluster info 2>&1 | tr -d '\r'; }
field() { printf '%s\n' "$info" | awk -F: -v k="$1" '$1 == k { print $2 }'; }
deadline=$((SECONDS + 10))
for node in "${nodes[@]}"; do
  while :; do
    info="$(cluster_info "$node")"
    if [ $? -ne 0 ] || ! printf '%s' "$info" | grep -q '^cluster_state:'; then
      [ "$SECONDS" -lt $((deadline + 20)) ] && { sleep 1; continue; }
      fail "could not ask $node for CLUSTER INFO: $info" "Is $node running? A stopped node comes back by itself within about 25 s."
    fi
    known="$(field cluster_known_nodes)"; slots="$(field cluster_slots_assigned)"; state="$(field cluster_state)"
    [ "$state" = ok ] && [ "${known:-0}" -ge 6 ] && [ "${slots:-0}" = 16384 ] && break
    [ "${slots:-0}" = 0 ] || [ "$SECONDS" -ge "$deadline" ] && break
    sleep 0.5
  done
  [ "${known:-0}" -ge 6 ] || fail "$node knows ${known:-0} cluster node(s), expected all 6 (redis-1 … redis-6)." \
    "Create the cluster from the workstation with all six nodes and --cluster-replicas 1 (or add the missing nodes as replicas: redis-cli --cluster add-node redis-4:6379 redis-1:6379 --cluster-slave)."
  [ "${slots:-0}" = 16384 ] || fail "$node reports ${slots:-0} of 16384 hash slots assigned." \
    "Every slot needs an owner; redis-cli --cluster create assigns them all (or use redis-cli --cluster fix)."
  [ "$state" = ok ] || fail "$node still reports cluster_state:$state after waiting 10 s for the cluster to form." \
    "Look at redis-cli -h $node cluster nodes: every node should be connected and the slots covered."
done

# Masters and replicas, as redis-1 sees them (CLUSTER NODES: id addr flags master-id ... link slots).
# A replica added a moment ago (add-node --cluster-slave returns at once) reaches redis-1's view
# by gossip and then syncs: a missing replica is asked about again for up to 15 s before failing.
declare -A host_of=()
for node in "${nodes[@]}"; do host_of["$(getent hosts "$node" | awk '{print $1; exit}')"]="$node"; done
replica_deadline=$((SECONDS + 15))
while :; do
  layout="$(redis-cli --no-auth-warning -h redis-1 cluster nodes 2>&1 | tr -d '\r')" || fail "CLUSTER NODES failed on redis-1: $layout"
  masters=(); declare -A name_of=()
  while read -r id addr flags master _ _ _ link slots; do
    [ -n "${id:-}" ] || continue
    name_of["$id"]="${host_of[${addr%%:*}]:-${addr%%@*}}"
    case ",$flags," in *,master,*) [ -n "${slots:-}" ] && masters+=("$id") ;; esac
  done <<<"$layout"
  [ "${#masters[@]}" = 3 ] || fail "the cluster has ${#masters[@]} masters with slots, expected 3 (six nodes: three masters, one replica each)." \
    "redis-cli --cluster create ... --cluster-replicas 1 makes every second node a replica; without it all six become masters and none can take over for another."
  lonely=""
  for m in "${masters[@]}"; do
    replicas="$(printf '%s\n' "$layout" | awk -v m="$m" '$4 == m && $3 !~ /fail/ && $8 == "connected"' | wc -l)"
    [ "$replicas" -ge 1 ] || { lonely="$m"; break; }
  done
  [ -z "$lonely" ] && break
  [ "$SECONDS" -lt "$replica_deadline" ] && { sleep 1; continue; }
  fail "master ${name_of[$lonely]} has no connected replica: if it is lost, its third of the slots has no owner and the cluster answers CLUSTERDOWN." \
    "Each master needs a replica: redis-cli --cluster create with --cluster-replicas 1, or redis-cli --cluster add-node <new-node>:6379 redis-1:6379 --cluster-slave."
done

# The instances reconnect by themselves; give them a moment after the cluster forms.
for instance in helixagent-1 helixagent-2 helixagent-3; do
  status=""
  for _ in $(seq 1 20); do
    status="$(curl -s --max-time 2 "http://$instance:8080/health" | jq -r '.redis.status // empty' 2>/dev/null)"
    [ "$status" = up ] && break
    sleep 0.5
  done
  [ "$status" = up ] || fail "$instance still reports redis as ${status:-unknown} in /health." \
    "The instances reconnect on their own within seconds of cluster_state:ok; look at curl -s http://$instance:8080/health | jq .redis"
done
echo "Redis Cluster: 6 nodes, 3 masters with a replica each, 16384 slots, cluster_state:ok; all instances use it."

#!/usr/bin/env bash
# Step "redis-failover": the grader's own drill on the learner's cluster. It writes fresh keys,
# waits until the replicas hold them, shuts down one master (which one depends on the sandbox's
# seed), and then requires: a replica took over the lost master's slots, cluster_state:ok on
# every surviving node, every key readable with the value written, and the instances' Redis up.
# The stopped node restarts by itself after 20 s; the check waits for it to rejoin (as a
# replica) so it can run again. Runs on the grader.
set -u
fail() { echo "FAIL: $1"; [ -n "${2:-}" ] && echo "HINT: $2"; exit 1; }
rc() { redis-cli --no-auth-warning "$@" 2>&1 | tr -d '\r'; }
nodes=(redis-1 redis-2 redis-3 redis-4 redis-5 redis-6)
declare -A host_of=()
for node in "${nodes[@]}"; do host_of["$(getent hosts "$node" | awk '{print $1; exit}')"]="$node"; done
field() { printf '%s\n' "$2" | awk -F: -v k="$1" '$1 == k { print $2 }'; }
# "name flags master-name slots" per node, as $1 sees the cluster.
layout() {
  rc -h "$1" cluster nodes | awk '{ split($2, a, ":"); print $1, a[1], $3, $4, $8, ($9 == "" ? "-" : $9) }' |
    while read -r id ip flags master link slots; do
      echo "$id ${host_of[$ip]:-$ip} $flags $master $link $slots"
    done
}

# A healthy six-node cluster first (a node stopped a moment ago may still be restarting).
for node in "${nodes[@]}"; do
  for _ in $(seq 1 30); do [ "$(rc -h "$node" ping)" = PONG ] && break; sleep 1; done
  [ "$(rc -h "$node" ping)" = PONG ] || fail "$node does not answer PING." "A stopped node comes back by itself within about 25 s; if it does not, ask another node how it sees the cluster: redis-cli -h redis-1 cluster nodes"
  info="$(rc -h "$node" cluster info)"
  known="$(field cluster_known_nodes "$info")"
  [ "${known:-0}" -ge 6 ] || fail "$node knows ${known:-0} cluster node(s), expected 6: the drill needs the six-node cluster with a replica for every master." \
    "Do the step \"Create the Redis Cluster\" first (--cluster-replicas 1)."
done
for _ in $(seq 1 20); do
  [ "$(field cluster_state "$(rc -h redis-1 cluster info)")" = ok ] && break; sleep 0.5
done
before="$(layout redis-1)"
mapfile -t masters < <(printf '%s\n' "$before" | awk '$3 ~ /master/ && $3 !~ /fail/ && $6 != "-" { print $1 }')
[ "${#masters[@]}" = 3 ] || fail "the cluster has ${#masters[@]} masters with slots, expected 3." "Create it with --cluster-replicas 1: three masters, one replica each."
for m in "${masters[@]}"; do
  n="$(printf '%s\n' "$before" | awk -v m="$m" '$4 == m && $3 !~ /fail/ && $5 == "connected"' | wc -l)"
  name="$(printf '%s\n' "$before" | awk -v m="$m" '$1 == m { print $2 }')"
  [ "$n" -ge 1 ] || fail "master $name has no connected replica: losing it would leave its slots without an owner (CLUSTERDOWN), so the grader will not stop it." \
    "Give every master a replica (redis-cli --cluster add-node <node>:6379 redis-1:6379 --cluster-slave), and check that no replica has cluster-replica-no-failover set."
done

# Fresh keys with values the learner cannot know, spread over all slots.
run="$(cat /proc/sys/kernel/random/uuid)"
declare -A want=()
for i in $(seq 1 24); do
  key="academy:drill:$run:$i"; value="$(cat /proc/sys/kernel/random/uuid)"
  out="$(rc -c -h redis-1 set "$key" "$value" EX 600)"
  [ "$out" = OK ] || fail "writing a test key through redis-1 failed: $out"
  want["$key"]="$value"
done
# Replication is asynchronous: wait until every replica is linked to its master and has replayed
# what the master has. A replica that was just added or moved copies its master first, and one
# that never finished that copy may not take over (its data counts as too old), so the drill
# waits for it rather than stop a master nothing could replace.
for m in "${masters[@]}"; do
  mhost="$(printf '%s\n' "$before" | awk -v m="$m" '$1 == m { print $2 }')"
  target="$(field master_repl_offset "$(rc -h "$mhost" info replication)")"
  for rhost in $(printf '%s\n' "$before" | awk -v m="$m" '$4 == m { print $2 }'); do
    synced=""
    for _ in $(seq 1 60); do
      repl="$(rc -h "$rhost" info replication)"
      have="$(field slave_repl_offset "$repl")"
      if [ "$(field master_link_status "$repl")" = up ] && [ "${have:-0}" -ge "${target:-0}" ]; then synced=1; break; fi
      sleep 0.25
    done
    [ -n "$synced" ] || fail "$rhost has not caught up with its master $mhost yet (master_link_status:$(field master_link_status "$repl")): a replica that is not in sync cannot take over, so the grader will not stop $mhost." \
      "A replica that was just added or moved copies its master first; wait a few seconds and check again (redis-cli -h $rhost info replication shows master_link_status)."
  done
done

# The seed's master goes down.
victim_id="$(printf '%s\n' "${masters[@]}" | sort | sed -n "$(( ${ACADEMY_SEED:-0} % 3 + 1 ))p")"
victim="$(printf '%s\n' "$before" | awk -v m="$victim_id" '$1 == m { print $2 }')"
mapfile -t heirs < <(printf '%s\n' "$before" | awk -v m="$victim_id" '$4 == m { print $2 }')
started=$SECONDS
rc -h "$victim" shutdown >/dev/null
survivor="${heirs[0]}"
promoted=""
for _ in $(seq 1 50); do
  now="$(layout "$survivor")"
  promoted="$(printf '%s\n' "$now" | awk -v v="$victim_id" '$1 != v && $3 ~ /master/ && $3 !~ /fail/' | while read -r _ name _ _ _ _; do
    for h in "${heirs[@]}"; do [ "$h" = "$name" ] && echo "$name"; done; done | head -1)"
  [ -n "$promoted" ] && [ "$(field cluster_state "$(rc -h "$survivor" cluster info)")" = ok ] && break
  sleep 0.5
done
[ -n "$promoted" ] || fail "$victim (master) was shut down, and none of its replicas (${heirs[*]}) took over within 25 s." \
  "A replica takes over once the master has been unreachable for cluster-node-timeout (5 s): look at redis-cli -h ${heirs[0]} cluster nodes, and at CONFIG GET cluster-replica-no-failover on the replica."
took=$((SECONDS - started))
for node in "${nodes[@]}"; do
  [ "$node" = "$victim" ] && continue
  state=""
  for _ in $(seq 1 10); do state="$(field cluster_state "$(rc -h "$node" cluster info)")"; [ "$state" = ok ] && break; sleep 0.5; done
  [ "$state" = ok ] || fail "after the failover $node reports cluster_state:${state:-unknown}." "Every slot needs a reachable master: redis-cli -h $node cluster nodes"
done

# Every key written before the loss, with its value.
lost=()
for key in "${!want[@]}"; do
  got="$(rc -c -h "$promoted" get "$key")"
  [ "$got" = "${want[$key]}" ] || lost+=("$key (${got:-nil})")
done
[ "${#lost[@]}" = 0 ] || fail "${#lost[@]} of ${#want[@]} keys written (and replicated) before $victim went down are missing or wrong afterwards: ${lost[*]:0:3}" \
  "Replicas must replay their master's writes: look at master_link_status in redis-cli -h $promoted info replication."

for instance in helixagent-1 helixagent-2 helixagent-3; do
  status="" error=""
  for _ in $(seq 1 20); do
    health="$(curl -s --max-time 2 "http://$instance:8080/health")"
    status="$(printf '%s' "$health" | jq -r '.redis.status // empty' 2>/dev/null)"
    error="$(printf '%s' "$health" | jq -r '.redis.error // empty' 2>/dev/null)"
    [ "$status" = up ] && break; sleep 0.5
  done
  [ "$status" = up ] || fail "after the failover $instance reports redis as ${status:-unknown} in /health${error:+ ($error)}." \
    "The instances follow MOVED replies to the new master by themselves; look at curl -s http://$instance:8080/health | jq .redis"
done

# Wait for the stopped node to come back and rejoin as a replica, so the next drill finds six nodes.
back="not yet back"
for _ in $(seq 1 70); do
  if [ "$(rc -h "$victim" ping)" = PONG ] && rc -h "$victim" role | head -1 | grep -qx slave; then back="back as a replica"; break; fi
  sleep 0.5
done
echo "Shut down master $victim: $promoted took over its slots after ${took} s, cluster_state:ok on every node, all ${#want[@]} keys intact, instances up; $victim is $back."

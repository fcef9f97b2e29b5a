# Lab 4 (dr-test), Redis restore (step redis-restore): the session keys seeded in the cluster, the
# FLUSHALL that is part of the disaster, and what the check compares. Sourced on the grader after
# dr.sh. Decision record: docs/decisions/033-dr-lab-point-in-time-recovery.md.
#
# The keys' values come from a secret tied to the sandbox's control token, so nobody can type them
# in: the learner finds them only in the RDB snapshots of their own backup (step 1). Key names are
# spread over the hash slots, so every master holds some of them and a snapshot of one master
# restores only its share.

REDIS_SECRET=$(printf 'redis-sessions:%s:%s' "$ACADEMY_SEED" "$HELIXAGENT_CONTROL_TOKEN" | sha256sum | cut -c1-32)
# 60..99 session keys, different per learner.
REDIS_SESSION_KEYS=$((60 + 16#${SEED_HEX:12:2} % 40))
REDIS_SEED_NODE=redis-1
# Sessions live for a day: long enough for any lab, and a restore must keep the expiry (a real
# session store would otherwise keep dead sessions forever).
REDIS_SESSION_TTL_S=86400

redis_session_key() { echo "session:dr:$1"; }

# "key value" lines, one per seeded session (perl: one process, not one sha256sum per key).
redis_session_pairs() {
  perl -MDigest::SHA=sha256_hex -e \
    'for my $i (1 .. $ARGV[1]) { print "session:dr:$i ", substr(sha256_hex("$ARGV[0]:$i"), 0, 40), "\n" }' \
    "$REDIS_SECRET" "$REDIS_SESSION_KEYS"
}

redis_q() { redis-cli --no-auth-warning -h "$REDIS_SEED_NODE" "$@"; }

# host:port of every master that serves slots (cluster nodes, flags without "fail").
redis_masters() {
  redis_q cluster nodes | awk '$3 ~ /master/ && $3 !~ /fail/ && $9 != "" {split($2, a, "@"); print a[1]}'
}

redis_wait_cluster_ok() {
  local _
  for _ in $(seq 1 30); do
    redis_q cluster info 2>/dev/null | grep -q '^cluster_state:ok' && return 0
    sleep 1
  done
  return 1
}

# Reads "key rest-of-line" lines; prints "host:port key rest-of-line", host:port being the master
# that owns the key's slot now. One connection for the slots, instead of a redirect per key
# (redis-cli -c reconnects on every MOVED, seconds for a hundred keys on a loaded machine).
redis_route() {
  local lines slots
  lines=$(cat)
  slots=$(cut -d' ' -f1 <<<"$lines" | sed 's/^/CLUSTER KEYSLOT /' | redis_q)
  paste -d' ' <(echo "$slots") <(echo "$lines") | awk -v nodes="$(redis_q cluster nodes)" '
    BEGIN {
      n = split(nodes, rows, "\n")
      for (r = 1; r <= n; r++) {
        f = split(rows[r], c, " ")
        if (c[3] !~ /master/ || c[3] ~ /fail/) continue
        split(c[2], addr, "@")
        for (k = 9; k <= f; k++) {
          if (c[k] ~ /^\[/) continue
          m = split(c[k], range, "-")
          lo = range[1]; hi = (m == 2) ? range[2] : range[1]
          for (slot = lo; slot <= hi; slot++) owner[slot] = addr[1]
        }
      }
    }
    { slot = $1; $1 = ""; print (slot in owner ? owner[slot] : "none") $0 }'
}

redis_seed_sessions() {
  redis_wait_cluster_ok || { echo "the Redis cluster is not ok after 30 s" >&2; return 1; }
  local routed node
  routed=$(redis_session_pairs | redis_route)
  for node in $(cut -d' ' -f1 <<<"$routed" | sort -u); do
    awk -v n="$node" -v ttl="$REDIS_SESSION_TTL_S" '$1 == n {print "SET", $2, $3, "EX", ttl}' <<<"$routed" \
      | redis-cli --no-auth-warning -h "${node%:*}" -p "${node##*:}" >/dev/null
  done
}

# The disaster's Redis half: every master flushed (a runaway cleanup script, say).
redis_flush_all_masters() {
  local node
  for node in $(redis_masters); do
    redis-cli --no-auth-warning -h "${node%:*}" -p "${node##*:}" flushall >/dev/null
  done
}

# Prints "ok", or what is wrong with the cluster's session keys (never the expected values).
redis_sessions_verdict() {
  local state missing=0 wrong=0 noexpiry=0 key value got ttl routed node
  state=$(redis_q cluster info 2>/dev/null | tr -d '\r' | sed -n 's/^cluster_state://p')
  if [ "$state" != ok ]; then echo "the Redis cluster is not serving (cluster_state:${state:-no answer})"; return 1; fi
  # Each key is read on the master that owns its slot now, so a key parked on any other node
  # (a scratch server, a master that lost the slot) does not count.
  routed=$(redis_session_pairs | redis_route)
  declare -A got_value got_ttl
  for node in $(cut -d' ' -f1 <<<"$routed" | sort -u); do
    local keys answers
    keys=$(awk -v n="$node" '$1 == n {print $2}' <<<"$routed")
    answers=$(while read -r key; do printf 'GET %s\nTTL %s\n' "$key" "$key"; done <<<"$keys" \
      | redis-cli --no-auth-warning -h "${node%:*}" -p "${node##*:}" 2>/dev/null | tr -d '\r')
    exec 3<<<"$answers"
    while read -r key; do
      IFS= read -r got <&3 || got=
      IFS= read -r ttl <&3 || ttl=
      got_value[$key]=$got; got_ttl[$key]=$ttl
    done <<<"$keys"
    exec 3<&-
  done
  while read -r node key value; do
    got=${got_value[$key]:-}; ttl=${got_ttl[$key]:-}
    if [ -z "$got" ]; then missing=$((missing + 1))
    elif [ "$got" != "$value" ]; then wrong=$((wrong + 1))
    elif ! [ "$ttl" -gt 0 ] 2>/dev/null; then noexpiry=$((noexpiry + 1))
    fi
  done <<<"$routed"
  if [ "$missing" = "$REDIS_SESSION_KEYS" ]; then
    echo "none of the $REDIS_SESSION_KEYS session keys (session:dr:*) from before the disaster is in the cluster"; return 1
  fi
  if [ "$missing" != 0 ]; then
    echo "$missing of the $REDIS_SESSION_KEYS session keys (session:dr:*) from before the disaster are missing from the cluster"; return 1
  fi
  if [ "$wrong" != 0 ]; then echo "$wrong session key(s) have values that differ from the ones before the disaster"; return 1; fi
  if [ "$noexpiry" != 0 ]; then echo "$noexpiry session key(s) lost their expiry (TTL): they would never time out"; return 1; fi
  echo ok
}

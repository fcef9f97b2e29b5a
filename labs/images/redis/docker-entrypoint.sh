#!/usr/bin/env bash
# Starts redis-server with settings from the environment, then any extra arguments you pass
# (`command: redis-server --maxmemory 32mb` works as with the official image).
#   REDIS_CLUSTER=yes      cluster-enabled yes, cluster-config-file nodes.conf (in /data),
#                          cluster-announce-ip: the container's current address
#   REDIS_APPENDONLY       appendonly (default yes, as in the seed)
#   REDIS_PASSWORD         requirepass + masterauth (optional)
#   REDIS_MAXMEMORY        maxmemory (default 64mb: sandboxes are small)
# Any other first argument (redis-sentinel, redis-cli, bash, ...) is run as is.
set -euo pipefail

if [ "${1:-}" != "" ] && [ "${1:0:1}" = "-" ]; then set -- redis-server "$@"; fi
if [ "${1:-}" != "redis-server" ]; then exec "$@"; fi
shift

args=(
  --port "${REDIS_PORT:-6379}"
  --bind 0.0.0.0
  --protected-mode no
  --dir /data
  --daemonize no
  --logfile ""
  --appendonly "${REDIS_APPENDONLY:-yes}"
  --maxmemory "${REDIS_MAXMEMORY:-64mb}"
)
case "${REDIS_CLUSTER:-no}" in
  yes|true|1)
    args+=(--cluster-enabled yes --cluster-config-file nodes.conf
           --cluster-node-timeout "${REDIS_CLUSTER_NODE_TIMEOUT:-5000}")
    # Announce the address this container has now. Without it a node keeps the address it had
    # when the cluster met (from nodes.conf) and goes on reporting it for itself after a restart
    # with a new one, as every restart on a Swarm or Kubernetes is: clients and CLUSTER NODES
    # would send people to an address nobody answers on.
    announce="$(hostname -i 2>/dev/null | awk '{ print $1 }')"
    if [ -n "$announce" ]; then args+=(--cluster-announce-ip "$announce"); fi
    ;;
  no|false|0|"") ;;
  *) echo "redis: REDIS_CLUSTER must be yes or no, got '$REDIS_CLUSTER'." >&2; exit 1 ;;
esac
if [ -n "${REDIS_PASSWORD:-}" ]; then
  args+=(--requirepass "$REDIS_PASSWORD" --masterauth "$REDIS_PASSWORD")
fi

exec redis-server "${args[@]}" "$@"

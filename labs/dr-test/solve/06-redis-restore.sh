#!/bin/bash
# Solve step redis-restore (redis-restore, as redis): decrypt the newest backup archive from before
# the disaster, then load each master's RDB into a scratch redis-server and import its keys into
# the cluster (MIGRATE copies value and TTL to the master that owns each key's slot).
set -euo pipefail
restore=$(mktemp -d)
trap 'redis-cli -p 7000 shutdown nosave >/dev/null 2>&1 || true; rm -rf "$restore"' EXIT
# The newest archive written before the page: one taken after the disaster holds the flushed cluster.
backup=$(find /mnt/backup -maxdepth 1 -name '*.tar.gz.gpg' ! -newer ~/ops/PAGE.txt -printf '%T@ %p\n' | sort -rn | head -n1 | cut -d' ' -f2-)
echo "restoring from $backup"
gpg --batch --quiet --pinentry-mode loopback --passphrase-file ~/ops/backup-passphrase \
  --decrypt "$backup" | tar -C "$restore" -xzf -
(cd "$restore" && sha256sum --quiet -c SHA256SUMS)
redis-cli -p 7000 shutdown nosave >/dev/null 2>&1 || true  # a scratch server left by an earlier try
for rdb in "$restore"/*.rdb; do
  redis-server --port 7000 --bind 127.0.0.1 --dir "$restore" --dbfilename "${rdb##*/}" \
    --appendonly no --save '' --requirepass "$REDISCLI_AUTH" --daemonize yes --logfile "$restore/scratch.log"
  for _ in $(seq 1 50); do redis-cli -p 7000 ping 2>/dev/null | grep -q PONG && break; sleep 0.2; done
  echo "${rdb##*/}: $(redis-cli -p 7000 dbsize) keys"
  redis-cli --cluster import redis-1:6379 --cluster-from 127.0.0.1:7000 --cluster-from-pass "$REDISCLI_AUTH" --cluster-copy --cluster-replace | tail -n 1
  redis-cli -p 7000 shutdown nosave
done

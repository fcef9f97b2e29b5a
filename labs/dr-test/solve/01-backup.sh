#!/bin/bash
# Solve step 1 (workstation, as the learner): lesson 6.1's hardened backup script, adapted to the
# lab (local work in $HOME, off-host copy to the backup host at /mnt/backup), then run it.
set -euo pipefail
cat > ~/backup.sh <<'SCRIPT'
#!/bin/bash
set -euo pipefail
umask 077
STAMP="$(date -u +%Y-%m-%dT%H%M%SZ)"
mkdir -p "$HOME/backups"
WORK="$(mktemp -d "$HOME/backups/work.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
ARCHIVE="$HOME/backups/helixagent-$STAMP.tar.gz.gpg"

pg_dump -h pg-primary -p 5432 -U helixagent -d helixagent_db --format=custom --file="$WORK/helixagent_db.dump"
redis-cli -h redis-1 cluster nodes \
  | awk '$3 ~ /master/ && $3 !~ /fail/ {split($2, a, "@"); print a[1]}' \
  | while IFS=: read -r host port; do
      redis-cli -h "$host" -p "$port" --rdb "$WORK/redis-$host-$port.rdb" </dev/null >/dev/null
    done
tar -czf "$WORK/configs.tar.gz" --exclude=backup-key /etc/helixagent/ 2>/dev/null
(cd "$WORK" && sha256sum -- * > SHA256SUMS)
tar -C "$WORK" -czf - . \
  | gpg --batch --pinentry-mode loopback --symmetric --cipher-algo AES256 \
        --passphrase-file "$HOME/ops/backup-passphrase" --output "$ARCHIVE"
install -m 0644 "$ARCHIVE" /mnt/backup/
echo "Backup completed: $ARCHIVE -> backup:/backups/"
SCRIPT
chmod +x ~/backup.sh
~/backup.sh

#!/bin/bash
# Step 1: an encrypted backup on the backup host holds a custom-format dump with the seeded data,
# a Redis RDB snapshot per master and the config tarball. When it does, the disaster strikes (once).
source /academy/lib/dr.sh

fail() { echo "FAIL: $1"; shift; for h in "$@"; do echo "HINT: $h"; done; exit 1; }

archive=$(find "$BACKUP_STORE" -maxdepth 3 -type f -name '*.gpg' -printf '%T@ %p\n' 2>/dev/null | sort -rn | head -n1 | cut -d' ' -f2-)
if [ -z "$archive" ]; then
  others=$(find "$BACKUP_STORE" -maxdepth 3 -type f -printf '%P ' 2>/dev/null | head -c 300)
  [ -n "$others" ] && fail "The backup host has files ($others) but no encrypted archive (*.gpg)." \
    "Everything that leaves the host is encrypted: tar the backup directory and pipe it into gpg --symmetric (lesson 6.1)."
  fail "The backup host has no backup yet (nothing in /mnt/backup on the workstation)." \
    "Write backup.sh from lesson 6.1's hardened version, run it, and copy the archive to /mnt/backup."
fi
name=${archive#"$BACKUP_STORE"/}
[ -r "$archive" ] || fail "$name on the backup host is not readable by the backup service (the archive is mode 600)." \
  "The archive is encrypted, so it may be world-readable on the backup host: copy it with install -m 0644."

work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
mkdir -m 700 "$work/gnupg"
gpg --homedir "$work/gnupg" --batch --quiet --pinentry-mode loopback --passphrase-file "$PASSPHRASE_FILE" \
  --decrypt --output "$work/archive" "$archive" 2>"$work/gpg.err" \
  || fail "$name cannot be decrypted with the backup passphrase from ~/ops/backup-passphrase." \
    "Encrypt with: gpg --batch --pinentry-mode loopback --symmetric --cipher-algo AES256 --passphrase-file ~/ops/backup-passphrase"
mkdir "$work/x"
tar -C "$work/x" -xzf "$work/archive" 2>/dev/null || tar -C "$work/x" -xf "$work/archive" 2>/dev/null \
  || fail "$name decrypts, but what is inside is not a tar archive." "Pipe 'tar -C WORKDIR -czf - .' into gpg, as in lesson 6.1 (gpg cannot encrypt a directory)."

bad=0
dump=$(find "$work/x" -type f -name '*.dump' | head -n1)
if [ -z "$dump" ]; then echo "FAIL: The archive has no PostgreSQL dump (*.dump)."; bad=1
elif ! listing=$(pg_restore --list "$dump" 2>/dev/null); then echo "FAIL: ${dump##*/} is not a custom-format dump (pg_restore --list cannot read it)."; echo "HINT: pg_dump --format=custom"; bad=1
elif ! grep -q 'TABLE DATA public audit_ledger' <<<"$listing"; then echo "FAIL: ${dump##*/} does not contain the data of helixagent_db's audit_ledger table."; echo "HINT: Dump the database helixagent_db from pg-primary."; bad=1
fi
rdbs=0
while IFS= read -r f; do [ "$(head -c 5 "$f")" = REDIS ] && rdbs=$((rdbs + 1)); done < <(find "$work/x" -type f -name '*.rdb')
# Each master holds only its own slots: fewer snapshots than masters cannot restore the sessions
# the disaster flushes (lib/redis.sh), and after it there is nothing left to snapshot.
source /academy/lib/redis.sh
masters=$(redis_masters | wc -l)
if [ $rdbs = 0 ]; then echo "FAIL: The archive has no Redis RDB snapshot (*.rdb starting with REDIS)."; echo "HINT: redis-cli -h HOST --rdb FILE for each master (redis-cli -h redis-1 cluster nodes lists them)."; bad=1
elif [ "$rdbs" -lt "$masters" ]; then echo "FAIL: The archive has $rdbs Redis RDB snapshot(s), but the cluster has $masters masters, each holding only the keys of its own slots."; echo "HINT: Take one snapshot per master: redis-cli -h redis-1 cluster nodes lists them (flag master)."; bad=1
fi
conf_ok=0
while IFS= read -r f; do tar -tzf "$f" 2>/dev/null | grep -q 'etc/helixagent/config.yaml$' && conf_ok=1; done < <(find "$work/x" -type f -name '*.tar.gz')
[ $conf_ok = 1 ] || { echo "FAIL: The archive has no configuration tarball (*.tar.gz containing etc/helixagent/config.yaml)."; echo "HINT: tar -czf WORKDIR/configs.tar.gz /etc/helixagent/"; bad=1; }
[ $bad = 0 ] || exit 1

if [ -z "$(disaster_at)" ]; then
  trigger_disaster
  echo "OK: $name is a complete, encrypted backup."
  echo "DISASTER: pg-primary just lost the database helixagent_db. Read ~/ops/PAGE.txt; the RTO clock is running."
else
  echo "OK: $name is a complete, encrypted backup (the disaster already happened at $(date -u -d "@$(disaster_at)" +%H:%M:%S) UTC)."
fi

#!/bin/bash
# Solve step 2 (workstation): fetch the newest archive from the backup host, decrypt, verify the
# checksums, restore into the empty helixagent_db on pg-primary.
set -euo pipefail
archive=$(ls -t /mnt/backup/*.tar.gz.gpg | head -n1)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
gpg --batch --quiet --pinentry-mode loopback --passphrase-file ~/ops/backup-passphrase --decrypt "$archive" \
  | tar -C "$work" -xzf -
(cd "$work" && sha256sum --quiet -c SHA256SUMS)
pg_restore -h pg-primary -p 5432 -U helixagent -d helixagent_db --clean --if-exists --no-owner "$work/helixagent_db.dump"
psql -h pg-primary -p 5432 -U helixagent -d helixagent_db -tAc 'select count(*) from audit_ledger'

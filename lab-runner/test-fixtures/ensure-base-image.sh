#!/usr/bin/env bash
# Makes the local base image helix-academy/debian:bookworm when it is missing.
# No registry is reachable on our machines, so the image is bootstrapped from the
# Debian mirror in the host's apt sources (about 30 s). A lock keeps parallel
# callers (test workers, other scripts) from bootstrapping twice.
set -euo pipefail
IMAGE="${BASE_IMAGE:-helix-academy/debian:bookworm}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
exec 9>/tmp/helix-academy-base-image.lock
flock 9
if docker image inspect "$IMAGE" >/dev/null 2>&1; then exit 0; fi
command -v debootstrap >/dev/null || apt-get install -y debootstrap >/dev/null
dir=$(mktemp -d /tmp/helix-bootstrap.XXXXXX)
trap 'rm -rf "$dir"' EXIT
debootstrap --variant=minbase bookworm "$dir" "$MIRROR" >/dev/null
# Shrink: apt caches are useless in the image.
rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/*
tar -C "$dir" -c . | docker import --change 'CMD ["/bin/bash"]' - "$IMAGE" >/dev/null
echo "built $IMAGE"

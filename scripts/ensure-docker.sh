#!/usr/bin/env bash
# Make sure a Docker engine answers on this machine.
#
# - Engine already answering (`docker info`)      -> exit 0, nothing touched.
# - Debian/Ubuntu + root, engine not answering     -> install docker.io if dockerd is missing,
#   start dockerd in the background (there is no systemd in our sandboxes/CI), wait for it.
# - Anything else                                   -> exit 1 and say what to install.
#
# Idempotent: run it as often as you like. Honours DOCKER_HOST like the docker CLI does;
# when DOCKER_HOST points somewhere other than the local default socket we only report,
# because starting a local dockerd would not make that remote engine answer.
set -euo pipefail

project_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data_dir="${ACADEMY_DATA_DIR:-$project_root/.data}"
log_file="$data_dir/logs/dockerd.log"
wait_seconds="${ENSURE_DOCKER_WAIT_SECONDS:-60}"
# Many sandboxes = many bridge networks; Docker's default pools only give about 30.
address_pool="base=10.201.0.0/16,size=24"
default_socket="/var/run/docker.sock"

say() { printf 'ensure-docker: %s\n' "$*" >&2; }

engine_answers() { docker info >/dev/null 2>&1; }

explain_and_fail() {
  say "$1"
  cat >&2 <<'MSG'
ensure-docker: Helix Academy labs need a Docker Engine (API 1.41 or newer, e.g. Docker 20.10+).
  Debian/Ubuntu (as root):  apt-get install -y docker.io && dockerd --default-address-pool base=10.201.0.0/16,size=24 &
                            (or simply run this script as root: bash scripts/ensure-docker.sh)
  Other systems:            install Docker Engine (https://docs.docker.com/engine/install/) and start it,
                            then make sure `docker info` works for this user (DOCKER_HOST or the docker group).
MSG
  exit 1
}

if ! command -v docker >/dev/null 2>&1 && ! { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }; then
  explain_and_fail "the docker CLI is not installed."
fi

if command -v docker >/dev/null 2>&1 && engine_answers; then
  exit 0
fi

if [ -n "${DOCKER_HOST:-}" ] && [ "${DOCKER_HOST}" != "unix://$default_socket" ]; then
  explain_and_fail "no Docker engine answers at DOCKER_HOST=$DOCKER_HOST (this script only starts a local engine on $default_socket)."
fi

is_debian_like=no
if [ -r /etc/os-release ]; then
  # shellcheck disable=SC1091
  . /etc/os-release
  case " ${ID:-} ${ID_LIKE:-} " in *" debian "*|*" ubuntu "*) is_debian_like=yes ;; esac
fi
if [ "$is_debian_like" != yes ] || [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  explain_and_fail "no Docker engine answers, and this is not Debian/Ubuntu as root, so it cannot be installed and started automatically."
fi

if ! command -v dockerd >/dev/null 2>&1; then
  say "dockerd is missing: installing docker.io from the Debian/Ubuntu archive..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends docker.io >/dev/null
fi

mkdir -p "$(dirname "$log_file")"
if pgrep -x dockerd >/dev/null 2>&1 || pidof dockerd >/dev/null 2>&1; then
  say "dockerd is already running but not answering yet; waiting for it."
else
  say "starting dockerd (log: $log_file)"
  # setsid + nohup: the engine must outlive this script and the shell that ran it.
  setsid nohup dockerd --default-address-pool "$address_pool" >>"$log_file" 2>&1 </dev/null &
fi

for _ in $(seq 1 "$wait_seconds"); do
  if [ -S "$default_socket" ] && engine_answers; then
    say "Docker engine is up ($(docker version --format '{{.Server.Version}}' 2>/dev/null || echo unknown version))."
    exit 0
  fi
  sleep 1
done

say "dockerd did not answer within ${wait_seconds}s. Last lines of $log_file:"
tail -n 20 "$log_file" >&2 || true
exit 1

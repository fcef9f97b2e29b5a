#!/usr/bin/env bash
# Quick start: installs what is missing, builds what changed, starts the whole platform
# (embedded PostgreSQL, lab images, web app, lab-runner) and prints where to open it.
set -euo pipefail
cd "$(dirname "$0")/.."

node -e '
  const [major, minor] = process.versions.node.split(".").map(Number)
  if (major < 20 || (major === 20 && minor < 9)) {
    console.error(`Helix Academy needs Node.js 20.9 or newer; this is ${process.version}.`)
    process.exit(1)
  }'

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "==> Installing dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi

echo "==> Docker engine"
bash scripts/ensure-docker.sh

# Narrated lesson videos (npm run videos, started in the background by the launcher) need
# Chromium, ffmpeg and a voice: install what is missing where we can.
if [ "${GENERATE_VIDEOS:-yes}" != no ]; then
  tools=()
  [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || tools+=(chromium)
  command -v ffmpeg >/dev/null 2>&1 || tools+=(ffmpeg)
  command -v espeak-ng >/dev/null 2>&1 || tools+=(espeak-ng)
  [ -d /usr/share/festival/voices/us/cmu_us_slt_arctic_hts ] || tools+=(festival festvox-us-slt-hts)
  if [ ${#tools[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      echo "==> Installing ${tools[*]} (narrated lesson videos)"
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${tools[@]}" >/dev/null
    else
      echo "Note: narrated lesson videos need ${tools[*]} (apt-get install ${tools[*]}); lessons show \"No recording yet\" until then."
    fi
  fi
fi

echo "==> Lab images"
npm run --silent images

# Rebuild the web app only when a source file is newer than the last build.
if [ ! -f .next/BUILD_ID ] || [ -n "$(find app server config content prisma public next.config.ts package-lock.json -newer .next/BUILD_ID -print -quit 2>/dev/null)" ]; then
  echo "==> Building the web app"
  npm run --silent build
fi

echo "==> Starting"
exec node --import tsx scripts/start.ts

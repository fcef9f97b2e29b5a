#!/usr/bin/env bash
# The whole test suite: static checks, then unit + integration tests (real PostgreSQL, real
# Docker engine), then browser tests (Debian's Chromium) against the production build.
set -euo pipefail
cd "$(dirname "$0")/.."
reports=.data/reports
rm -rf "$reports" && mkdir -p "$reports"

# Browser tests drive Debian's Chromium; metrics tests run Prometheus' promtool (Debian's
# prometheus package). Install what is missing on a fresh Debian/Ubuntu machine (as root).
missing=()
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || missing+=(chromium)
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
# pg_dump/pg_restore: backups are PostgreSQL's custom format (decision 026); haproxy: the
# two-instance test runs the web app behind the README's HAProxy configuration.
command -v pg_dump >/dev/null 2>&1 || missing+=(postgresql-client)
command -v haproxy >/dev/null 2>&1 || missing+=(haproxy)
# docker-registry: `npm run images -- --push` is tested against a real registry on loopback.
command -v docker-registry >/dev/null 2>&1 || missing+=(docker-registry)
command -v ffmpeg >/dev/null 2>&1 || missing+=(ffmpeg)
# curl: the HelixAgent stand-in's launcher test runs `helixagent reseed`, which is curl.
command -v curl >/dev/null 2>&1 || missing+=(curl)
# The generated-video test (scripts/videos) runs ffmpeg and a text-to-speech voice.
command -v espeak-ng >/dev/null 2>&1 || missing+=(espeak-ng)
[ -d /usr/share/festival/voices/us/cmu_us_slt_arctic_hts ] || missing+=(festival festvox-us-slt-hts)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> Installing ${missing[*]} for the tests"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "The tests need ${missing[*]}: install with apt-get install ${missing[*]} (or set CHROMIUM_PATH to a Chromium)." >&2
    exit 1
  fi
fi

echo "==> Typecheck" && npm run --silent typecheck
echo "==> Lint" && npm run --silent lint
echo "==> Formatting (Prettier)" && npm run --silent format:check
echo "==> Lab definitions" && npm run --silent labs:validate
echo "==> Docker engine and lab images" && bash scripts/ensure-docker.sh && npm run --silent images
echo "==> Build" && npm run --silent build

status=0
echo "==> Unit and integration tests (Vitest)"
npx vitest run --exclude 'labs/*/lab.test.ts' --exclude 'labs/topologies/ha-stack.integration.test.ts' \
  --exclude 'lab-runner/src/engine/swarm/swarm.integration.test.ts' \
  --reporter=default --reporter=json --outputFile.json="$reports/vitest.json" || status=1
# Each of these provisions a full HA stack (about 20 containers) and some checks are timed:
# one at a time, so two stacks never compete for the two cores (the Swarm test's stacks run on a
# three-node Docker-in-Docker cluster on this same machine).
echo "==> Full-stack tests, one sandbox at a time (Vitest)"
npx vitest run labs/*/lab.test.ts labs/topologies/ha-stack.integration.test.ts \
  lab-runner/src/engine/swarm/swarm.integration.test.ts --maxWorkers=1 \
  --reporter=default --reporter=json --outputFile.json="$reports/vitest-labs.json" || status=1
# The course's Lab 1 once more, on a three-node Swarm (Docker-in-Docker nodes on this machine):
# its steps restart services (a Redis master, a HelixAgent instance), which on a Swarm are new
# containers with new addresses, so it is the lab that tells whether swarm mode keeps the
# learner's experience. Labs 2-4 pass there too (docs/swarm-cluster.md), run by hand.
echo "==> Lab 1 on a Swarm (Vitest, LAB_TEST_ENGINE=swarm)"
LAB_TEST_ENGINE=swarm npx vitest run labs/ha-setup/lab.test.ts --maxWorkers=1 \
  --reporter=default --reporter=json --outputFile.json="$reports/vitest-swarm-lab.json" || status=1
echo "==> Browser tests (Playwright)"
npx playwright test || status=1

node scripts/test-summary.mjs --vitest "$reports/vitest.json" --vitest "$reports/vitest-labs.json" \
  --vitest "$reports/vitest-swarm-lab.json" --playwright "$reports/playwright.json"
exit $status

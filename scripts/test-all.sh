#!/usr/bin/env bash
# The whole test suite: static checks, then unit + integration tests (real PostgreSQL, real
# Docker engine), then browser tests (Debian's Chromium) against the production build.
set -euo pipefail
cd "$(dirname "$0")/.."
reports=.data/reports
rm -rf "$reports" && mkdir -p "$reports"

echo "==> Typecheck" && npm run --silent typecheck
echo "==> Lint" && npm run --silent lint
echo "==> Lab definitions" && npm run --silent labs:validate
echo "==> Docker engine and lab images" && bash scripts/ensure-docker.sh && npm run --silent images
echo "==> Build" && npm run --silent build

status=0
echo "==> Unit and integration tests (Vitest)"
npx vitest run --reporter=default --reporter=json --outputFile.json="$reports/vitest.json" || status=1
echo "==> Browser tests (Playwright)"
npx playwright test || status=1

node scripts/test-summary.mjs "$reports/vitest.json" "$reports/playwright.json"
exit $status

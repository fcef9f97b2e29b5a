#!/usr/bin/env bash
# Step "scrape": the running Prometheus scrapes helixagent-1..3 and both exporters, all up.
set -u
fail() { echo "FAIL: $1"; [ -n "${2:-}" ] && echo "HINT: $2"; exit 1; }
targets="$(curl -s --max-time 3 http://prometheus:9090/api/v1/targets)" || fail "Prometheus does not answer on prometheus:9090."
missing=0
for target in helixagent-1:8080 helixagent-2:8080 helixagent-3:8080 postgres-exporter:9187 redis-exporter:9121; do
  health="$(printf '%s' "$targets" | jq -r --arg t "$target" '[.data.activeTargets[] | select(.scrapeUrl | test("//" + $t + "/")) | .health] | first // "absent"')"
  case "$health" in
    up) ;;
    absent) echo "FAIL: Prometheus does not scrape $target."; missing=1 ;;
    unknown) echo "FAIL: Prometheus has not scraped $target yet (just added?); run the check again in a few seconds."; missing=1 ;;
    *) echo "FAIL: Prometheus scrapes $target but it is $health."; missing=1 ;;
  esac
done
if [ "$missing" = 1 ]; then
  echo "HINT: Add jobs to scrape_configs in /etc/prometheus/prometheus.yml, check it with promtool check config, then curl -X POST http://prometheus:9090/-/reload"
  exit 1
fi
echo "Prometheus scrapes the three instances and both exporters; all up."

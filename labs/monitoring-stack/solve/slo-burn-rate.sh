#!/usr/bin/env bash
# Runs on the workstation: the chat-completions availability SLO (99.9%, budget 0.1%): the error
# ratio recorded over 5m, 30m, 1h and 6h, and the SRE workbook's multi-window, multi-burn-rate
# page (1h and 5m above 14.4x the budget, or 6h and 30m above 6x).
set -euo pipefail
{
  echo 'groups:'
  echo '  - name: helixagent-slo'
  echo '    rules:'
  for w in 5m 30m 1h 6h; do
    cat <<YAML
      - record: job:helixagent_chat_errors:ratio_rate$w
        expr: |
          sum by (job) (rate(helixagent_requests_total{endpoint="/v1/chat/completions", status=~"5.."}[$w]))
            / sum by (job) (rate(helixagent_requests_total{endpoint="/v1/chat/completions"}[$w]))
YAML
  done
  cat <<'YAML'
      - alert: HelixAgentErrorBudgetBurn
        expr: |
          (
            job:helixagent_chat_errors:ratio_rate1h > (14.4 * 0.001)
            and job:helixagent_chat_errors:ratio_rate5m > (14.4 * 0.001)
          )
          or
          (
            job:helixagent_chat_errors:ratio_rate6h > (6 * 0.001)
            and job:helixagent_chat_errors:ratio_rate30m > (6 * 0.001)
          )
        for: 2m
        labels:
          severity: page
          team: helixagent
        annotations:
          summary: "Chat completions burn the 30-day error budget too fast (99.9% availability SLO)"
YAML
} > /etc/prometheus/rules/slo.yml
promtool check rules /etc/prometheus/rules/slo.yml
curl -sf -X POST http://prometheus:9090/-/reload
# Loaded once Prometheus lists the alert with a health other than "unknown".
for _ in $(seq 1 40); do
  h="$(curl -s http://prometheus:9090/api/v1/rules | jq -r '[.data.groups[].rules[] | select(.name == "HelixAgentErrorBudgetBurn") | .health] | first // ""')"
  [ "$h" = ok ] && exit 0
  sleep 1
done
echo "HelixAgentErrorBudgetBurn was not evaluated" >&2; exit 1

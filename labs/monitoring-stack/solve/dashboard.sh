#!/usr/bin/env bash
# Runs on the workstation: lesson 3.2's three panels.
set -euo pipefail
cat > /home/learner/dashboards/helixagent.yaml <<'YAML'
# HelixAgent Overview (lesson 3.2)
panels:
  - title: Request rate by endpoint
    query: sum(rate(helixagent_requests_total[5m])) by (endpoint)
  - title: Provider scores
    query: helixagent_provider_score
  - title: Error rate (%)
    query: 'sum(rate(helixagent_requests_total{status=~"5.."}[5m])) / sum(rate(helixagent_requests_total[5m])) * 100'
YAML

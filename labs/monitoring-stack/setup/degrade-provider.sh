#!/usr/bin/env bash
# Setup hook (grader): degrade one provider, chosen by the sandbox's seed, on all three instances.
set -euo pipefail
providers=(claude gemini deepseek qwen mistral)
provider="${providers[$(( ${ACADEMY_SEED:-1} % 5 ))]}"
for i in 1 2 3; do
  curl -sf --max-time 5 -H "Authorization: Bearer $HELIXAGENT_CONTROL_TOKEN" -H 'Content-Type: application/json' \
    -d "{\"kind\":\"degrade\",\"provider\":\"$provider\",\"score\":5.8}" "http://helixagent-$i:9901/faults" >/dev/null
done
echo "degraded $provider"

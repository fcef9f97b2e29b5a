#!/bin/bash
# Passes when HAProxy answers /health with an instance behind it.
if curl -fsS --max-time 5 "${HELIXAGENT_URL:-http://lb:8080}/health" | jq -e '.instance' >/dev/null; then exit 0; fi
echo "FAIL: the load balancer did not answer /health"
exit 1

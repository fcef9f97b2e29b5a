#!/usr/bin/env bash
# Steady, modest traffic through lb:8080 (about 3 requests/s): model and provider listings, a
# chat completion, and each provider's health endpoint — a degraded provider answers 503 there,
# so the error ratio is above zero and the dashboards and alerts have something to show.
set -u
providers=(claude gemini deepseek qwen mistral)
while true; do
  curl -s -o /dev/null --max-time 5 http://lb:8080/v1/models
  curl -s -o /dev/null --max-time 5 http://lb:8080/v1/providers
  curl -s -o /dev/null --max-time 5 http://lb:8080/v1/providers/verification
  curl -s -o /dev/null --max-time 10 -H 'Content-Type: application/json' \
    -d '{"model":"helixagent-ensemble","messages":[{"role":"user","content":"status?"}]}' http://lb:8080/v1/chat/completions
  for p in "${providers[@]}"; do curl -s -o /dev/null --max-time 5 "http://lb:8080/v1/providers/$p/health"; done
  sleep 2
done

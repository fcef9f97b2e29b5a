#!/usr/bin/env bash
# Step "alert-routing": Prometheus sends alerts to alertmanager:9093, and the degraded
# provider's alert has reached Alertmanager, routed to receiver helixagent-oncall in a group
# keyed by alertname and provider. Re-applies the provider fault if it was cleared.
set -u
fail() { echo "FAIL: $1"; [ -n "${2:-}" ] && echo "HINT: $2"; exit 1; }
providers=(claude gemini deepseek qwen mistral)
degraded="${providers[$(( ${ACADEMY_SEED:-1} % 5 ))]}"
auth=(-H "Authorization: Bearer $HELIXAGENT_CONTROL_TOKEN")
for i in 1 2 3; do
  if ! curl -s --max-time 2 "${auth[@]}" "http://helixagent-$i:9901/faults" | grep -q "\"$degraded\""; then
    curl -s --max-time 2 "${auth[@]}" -H 'Content-Type: application/json' \
      -d "{\"kind\":\"degrade\",\"provider\":\"$degraded\",\"score\":5.8}" "http://helixagent-$i:9901/faults" >/dev/null
  fi
done

# Right after a reload Prometheus rebuilds its Alertmanager list: give it a few seconds.
ams=""
for _ in $(seq 1 10); do
  ams="$(curl -s --max-time 3 http://prometheus:9090/api/v1/alertmanagers | jq -r '[.data.activeAlertmanagers[].url] | join(" ")')"
  case "$ams" in *alertmanager:9093*) break ;; esac
  sleep 0.5
done
case "$ams" in
  *alertmanager:9093*) ;;
  *) fail "Prometheus sends alerts to no Alertmanager (active: ${ams:-none})." \
       "Add to prometheus.yml: alerting: { alertmanagers: [ { static_configs: [ { targets: [\"alertmanager:9093\"] } ] } ] } and reload." ;;
esac

groups=""
for _ in $(seq 1 10); do
  groups="$(curl -s --max-time 3 http://alertmanager:9093/api/v2/alerts/groups)" || fail "Alertmanager does not answer on alertmanager:9093."
  printf '%s' "$groups" | jq -e --arg p "$degraded" 'any(.[]; any(.alerts[]; .labels.provider == $p and .status.state == "active"))' >/dev/null && break
  sleep 1
done
printf '%s' "$groups" | jq -e --arg p "$degraded" 'any(.[]; any(.alerts[]; .labels.provider == $p and .status.state == "active"))' >/dev/null \
  || fail "no active alert for provider $degraded has reached Alertmanager yet." \
     "Is the rule firing in Prometheus (not just pending: the for: duration has to pass)? curl -s http://prometheus:9090/api/v1/alerts | jq"
receiver="$(printf '%s' "$groups" | jq -r --arg p "$degraded" '[.[] | select(any(.alerts[]; .labels.provider == $p)) | .receiver.name] | first')"
[ "$receiver" = helixagent-oncall ] || fail "the $degraded alert was routed to receiver '$receiver', not helixagent-oncall." \
  "Add a receiver helixagent-oncall and a route with matchers: ['team=\"helixagent\"'] to it, then curl -X POST http://alertmanager:9093/-/reload"
keys="$(printf '%s' "$groups" | jq -r --arg p "$degraded" '[.[] | select(any(.alerts[]; .labels.provider == $p)) | .labels | keys | join(",")] | first')"
case ",$keys," in
  *,alertname,*provider,*|*,provider,*alertname,*) ;;
  *) fail "the $degraded alert is grouped by [$keys]; group it by alertname and provider so each provider's alert is its own notification." ;;
esac
echo "The $degraded alert reached Alertmanager and was routed to helixagent-oncall (grouped by $keys)."

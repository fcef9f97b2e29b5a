#!/usr/bin/env bash
# Step "alert-rules": Prometheus has loaded (1) an alerting rule on the ratio of 5xx responses
# of helixagent_requests_total and (2) one on helixagent_provider_score < 7, whose alert is
# active for this sandbox's degraded provider and for no healthy one.
set -u
fail() { echo "FAIL: $1"; [ -n "${2:-}" ] && echo "HINT: $2"; exit 1; }
providers=(claude gemini deepseek qwen mistral)
degraded="${providers[$(( ${ACADEMY_SEED:-1} % 5 ))]}"
# Right after a reload Prometheus lists the new rules before it has evaluated them (health
# "unknown", no alerts yet). Give it one evaluation interval (15 s in this lab) rather than
# failing a learner who pressed Check straight after the reload.
for _ in $(seq 1 20); do
  rules="$(curl -s --max-time 3 http://prometheus:9090/api/v1/rules?type=alert)" || fail "Prometheus does not answer on prometheus:9090."
  [ "$(printf '%s' "$rules" | jq '[.data.groups[].rules[] | select(.type == "alerting" and .health == "unknown")] | length')" = 0 ] && break
  sleep 1
done
alerting="$(printf '%s' "$rules" | jq -c '[.data.groups[].rules[] | select(.type == "alerting")]')"
[ "$(printf '%s' "$alerting" | jq length)" -gt 0 ] || fail "Prometheus has no alerting rules loaded." \
  "Write them in /etc/prometheus/rules/helixagent.yml, run promtool check rules on it, then curl -X POST http://prometheus:9090/-/reload"

error_rule="$(printf '%s' "$alerting" | jq -c '[.[] | select((.query | test("helixagent_requests_total")) and (.query | test("status=~\"5\\.\\.\"")) and (.query | test(" / ")) and (.query | test("[<>]")))] | first // empty')"
[ -n "$error_rule" ] || fail "no loaded alerting rule compares the share of 5xx responses (helixagent_requests_total with status=~\"5..\", divided by all requests) to a threshold." \
  "Lesson 4.3: sum(rate(helixagent_requests_total{status=~\"5..\"}[5m])) / sum(rate(helixagent_requests_total[5m])) > 0.05"
[ "$(printf '%s' "$error_rule" | jq -r .health)" = ok ] || fail "the error-ratio rule $(printf '%s' "$error_rule" | jq -r .name) fails to evaluate: $(printf '%s' "$error_rule" | jq -r .lastError)"

score_rule="$(printf '%s' "$alerting" | jq -c '[.[] | select((.query | test("helixagent_provider_score")) and (.query | test("< 7(\\.0*)?$")))] | first // empty')"
[ -n "$score_rule" ] || fail "no loaded alerting rule fires on helixagent_provider_score < 7." \
  "expr: helixagent_provider_score < 7"
name="$(printf '%s' "$score_rule" | jq -r .name)"
active="$(printf '%s' "$score_rule" | jq -r '[.alerts[] | select(.state == "pending" or .state == "firing") | .labels.provider] | unique | join(" ")')"
case " $active " in
  *" $degraded "*) ;;
  *) fail "rule $name is loaded, but no alert is pending or firing for provider $degraded, whose score is below 7 in your sandbox." \
       "Prometheus evaluates rules every evaluation_interval and needs helixagent scraped (step 1); wait one interval and check again." ;;
esac
for p in $active; do
  [ "$p" = "$degraded" ] || fail "rule $name fires for provider $p, whose score is above 7: check the comparison."
done
[ "$(printf '%s' "$score_rule" | jq -r '.labels.team // empty')" = helixagent ] || fail "rule $name has no label team: helixagent (the next step routes on it)."
[ "$(printf '%s' "$error_rule" | jq -r '.labels.team // empty')" = helixagent ] || fail "rule $(printf '%s' "$error_rule" | jq -r .name) has no label team: helixagent."
echo "Rules loaded: $(printf '%s' "$error_rule" | jq -r .name) (5xx ratio) and $name ($degraded: $(printf '%s' "$score_rule" | jq -r '.alerts[0].state'))."

#!/usr/bin/env bash
# Step "inhibit-silence": (1) the rule HelixAgentInstanceDown is loaded; (2) Alertmanager inhibits
# warnings of an instance while HelixAgentInstanceDown fires for that instance, and nothing else:
# the check posts a HelixAgentInstanceDown alert for helixagent-2:8080 (and a page-level alert of
# the same instance) to Alertmanager's API, which expire after two minutes, then asks for the real
# ProviderDegraded alerts; (3) a silence for helixagent-3's maintenance: exactly the matcher
# instance="helixagent-3:8080", ends within about two hours, has an author and a comment, and
# silences that instance's alerts.
set -u
fail() { echo "FAIL: $1"; [ -n "${2:-}" ] && echo "HINT: $2"; exit 1; }
am=http://alertmanager:9093
providers=(claude gemini deepseek qwen mistral)
degraded="${providers[$(( ${ACADEMY_SEED:-1} % 5 ))]}"

rule="$(curl -s --max-time 3 'http://prometheus:9090/api/v1/rules?type=alert' | jq -c '[.data.groups[].rules[] | select(.name == "HelixAgentInstanceDown")] | first // empty')"
[ -n "$rule" ] || fail "Prometheus has no alerting rule HelixAgentInstanceDown loaded." \
  "Add it to /etc/prometheus/rules/helixagent.yml: up{job=\"helixagent\"} == 0, for: 1m, labels severity: page and team: helixagent."
printf '%s' "$rule" | jq -r .query | grep -Eq '(^|[^_a-z])up(\{|[ ]*==| )' || fail "HelixAgentInstanceDown does not look at the up metric (its query: $(printf '%s' "$rule" | jq -r .query))."
[ "$(printf '%s' "$rule" | jq -r '.labels.severity // empty')" = page ] || fail "HelixAgentInstanceDown has no label severity: page."

alerts="$(curl -s --max-time 3 "$am/api/v2/alerts")" || fail "Alertmanager does not answer on alertmanager:9093."
count_for() { printf '%s' "$alerts" | jq --arg p "$degraded" --arg i "$1" '[.[] | select(.labels.alertname == "ProviderDegraded" and .labels.provider == $p and .labels.instance == $i)] | length'; }
for i in 1 2 3; do
  [ "$(count_for "helixagent-$i:8080")" -ge 1 ] || fail "Alertmanager has no ProviderDegraded alert for $degraded on helixagent-$i:8080 to inhibit or silence." \
    "Steps 2 and 3 send it there; is Prometheus still sending alerts to alertmanager:9093?"
done

now="$(date -u +%Y-%m-%dT%H:%M:%SZ)"; ends="$(date -u -d '+2 minutes' +%Y-%m-%dT%H:%M:%SZ)"
posted="$(jq -nc --arg s "$now" --arg e "$ends" '[
  {labels: {alertname: "HelixAgentInstanceDown", instance: "helixagent-2:8080", job: "helixagent", severity: "page", team: "helixagent", academy_check: "inhibition"},
   annotations: {summary: "posted by the lab check to test inhibition"}, startsAt: $s, endsAt: $e},
  {labels: {alertname: "HelixAgentLatencyHigh", instance: "helixagent-2:8080", job: "helixagent", severity: "page", team: "helixagent", academy_check: "inhibition"},
   annotations: {summary: "posted by the lab check: a page must never be inhibited by this rule"}, startsAt: $s, endsAt: $e}]')"
curl -sf --max-time 3 -H 'Content-Type: application/json' -d "$posted" "$am/api/v2/alerts" >/dev/null || fail "Alertmanager refused the check's test alerts."
sleep 1
alerts="$(curl -s --max-time 3 "$am/api/v2/alerts")"
inhibited() { # alertname instance -> number of inhibitors
  printf '%s' "$alerts" | jq --arg a "$1" --arg i "$2" --arg p "$degraded" \
    '[.[] | select(.labels.alertname == $a and .labels.instance == $i and ($a != "ProviderDegraded" or .labels.provider == $p)) | .status.inhibitedBy | length] | max // 0'
}
[ "$(inhibited ProviderDegraded helixagent-2:8080)" -ge 1 ] || fail "while HelixAgentInstanceDown fires for helixagent-2:8080, its ProviderDegraded warning ($degraded) is not inhibited." \
  "alertmanager.yml: inhibit_rules: [{source_matchers: ['alertname=\"HelixAgentInstanceDown\"'], target_matchers: ['severity=\"warning\"'], equal: [instance]}], then reload."
[ "$(inhibited ProviderDegraded helixagent-1:8080)" = 0 ] || fail "helixagent-2 being down also inhibits the warning of helixagent-1:8080: the rule must only mute the same instance (equal: [instance])."
[ "$(inhibited HelixAgentLatencyHigh helixagent-2:8080)" = 0 ] || fail "your inhibition also mutes a severity=\"page\" alert of helixagent-2: only warnings should be muted (target_matchers)."
[ "$(inhibited HelixAgentInstanceDown helixagent-2:8080)" = 0 ] || fail "your inhibition mutes HelixAgentInstanceDown itself: only warnings should be muted."

silences="$(curl -s --max-time 3 "$am/api/v2/silences")"
silence="$(printf '%s' "$silences" | jq -c '[.[] | select(.status.state == "active" and (.matchers | length) == 1
  and .matchers[0].name == "instance" and .matchers[0].value == "helixagent-3:8080" and .matchers[0].isRegex == false and (.matchers[0].isEqual // true) == true)] | first // empty')"
if [ -z "$silence" ]; then
  others="$(printf '%s' "$silences" | jq -r '[.[] | select(.status.state == "active") | [.matchers[] | "\(.name)\(if .isEqual == false then "!" else "" end)\(if .isRegex then "=~" else "=" end)\"\(.value)\""] | join(",")] | join("; ")')"
  fail "there is no active silence with exactly the matcher instance=\"helixagent-3:8080\" (active silences: ${others:-none})." \
    "amtool silence add instance=\"helixagent-3:8080\" --duration=2h --author=\"your name\" --comment=\"why\""
fi
[ -n "$(printf '%s' "$silence" | jq -r '.createdBy // "" | gsub("\\s"; "")')" ] || fail "the silence has no author (createdBy): whoever looks at it should know whom to ask."
[ "$(printf '%s' "$silence" | jq -r '.comment // "" | gsub("\\s"; "") | length')" -ge 5 ] || fail "the silence has no real comment: say why helixagent-3 is silenced (at least a few words)."
left="$(( $(date -d "$(printf '%s' "$silence" | jq -r .endsAt)" +%s) - $(date +%s) ))"
[ "$left" -le $(( 2 * 3600 + 300 )) ] || fail "the silence ends in $(( left / 60 )) minutes: a maintenance silence should end when the maintenance does (2 hours)." \
  "amtool silence update or expire it and add one with --duration=2h"
id="$(printf '%s' "$silence" | jq -r .id)"
printf '%s' "$alerts" | jq -e --arg id "$id" --arg p "$degraded" 'any(.[]; .labels.alertname == "ProviderDegraded" and .labels.provider == $p and .labels.instance == "helixagent-3:8080" and any(.status.silencedBy[]; . == $id))' >/dev/null \
  || fail "the silence $id exists but does not silence helixagent-3's ProviderDegraded alert."
echo "Warnings of an instance that is down are inhibited (and nothing else); silence $id by $(printf '%s' "$silence" | jq -r .createdBy) mutes helixagent-3 for $(( left / 60 )) more minutes."

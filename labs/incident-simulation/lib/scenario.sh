# Lab 3 (incident-simulation): the sandbox's game-day scenario and helpers shared by the setup
# hook and the checks. Sourced on the grader (mounted at /academy/lib); needs ACADEMY_SEED and
# HELIXAGENT_CONTROL_TOKEN in the environment (the runner passes both to every script).
#
# Which provider gets which fault, the upstream rate limit and the rotated key are derived
# from the seed, so they differ between learners but are stable across checks and resets.

INSTANCES=(helixagent-1 helixagent-2 helixagent-3)
PROVIDERS=(claude deepseek gemini qwen mistral)
CONTROL_PORT=9901
VAULT_DIR=/vault
REPORT_FILE=/learner-home/incident-report.md
# When each fault went live, written by the setup hook on the grader's own file system: the
# learner has no shell here and no mount of it, so the windows the report is judged against
# cannot be altered (or read) from the workstation.
FAULT_WINDOWS=/home/grader/incident-simulation/fault-windows

: "${ACADEMY_SEED:?ACADEMY_SEED is not set: run this through the lab-runner}"
: "${HELIXAGENT_CONTROL_TOKEN:?HELIXAGENT_CONTROL_TOKEN is not set: run this through the lab-runner}"

# Sets DEGRADED, RATE_LIMITED, AUTH_FAILED (three different providers), UPSTREAM_LIMIT
# (requests per minute the rate-limited provider accepts) and ROTATED_KEY.
scenario_load() {
  local hex n0 n1 n2 n3 pool
  hex=$(printf 'incident-simulation:%s' "$ACADEMY_SEED" | sha256sum | cut -c1-16)
  n0=$((16#${hex:0:4})); n1=$((16#${hex:4:4})); n2=$((16#${hex:8:4})); n3=$((16#${hex:12:4}))
  pool=("${PROVIDERS[@]}")
  DEGRADED=${pool[$((n0 % 5))]}; mapfile -t pool < <(printf '%s\n' "${pool[@]}" | grep -vx "$DEGRADED")
  RATE_LIMITED=${pool[$((n1 % 4))]}; mapfile -t pool < <(printf '%s\n' "${pool[@]}" | grep -vx "$RATE_LIMITED")
  AUTH_FAILED=${pool[$((n2 % 3))]}
  UPSTREAM_LIMIT=$((20 + 5 * (n3 % 5)))
  # The key is also tied to the sandbox's secret token, so it cannot be derived from a seed alone.
  ROTATED_KEY="sk-sim-${AUTH_FAILED}-$(printf 'rotated-key:%s:%s' "$ACADEMY_SEED" "$HELIXAGENT_CONTROL_TOKEN" | sha256sum | cut -c1-24)"
}

# control METHOD HOST PATH [JSON-BODY]: the stand-in's fault/control API (grader only).
control() {
  local method=$1 host=$2 path=$3 body=${4:-}
  local args=(-sS --max-time 5 -X "$method" -H "Authorization: Bearer $HELIXAGENT_CONTROL_TOKEN")
  [ -n "$body" ] && args+=(-H 'Content-Type: application/json' -d "$body")
  curl "${args[@]}" "http://$host:$CONTROL_PORT$path"
}

# The faults this sandbox runs with, as control-API request bodies.
scenario_faults() {
  printf '{"kind":"degrade","provider":"%s","score":%s}\n' "$DEGRADED" "5.4"
  printf '{"kind":"rate_limit","provider":"%s","limit":%s}\n' "$RATE_LIMITED" "$UPSTREAM_LIMIT"
  printf '{"kind":"auth","provider":"%s","key":"%s"}\n' "$AUTH_FAILED" "$ROTATED_KEY"
}

# record_fault_windows: "kind provider since-epoch" per fault, once per sandbox (a rerun of the
# setup keeps the first times: the faults have been live since then).
record_fault_windows() {
  [ -s "$FAULT_WINDOWS" ] && return 0
  local now; now=$(date -u +%s)
  mkdir -p "$(dirname "$FAULT_WINDOWS")"
  printf 'degrade %s %s\nrate_limit %s %s\nauth %s %s\n' \
    "$DEGRADED" "$now" "$RATE_LIMITED" "$now" "$AUTH_FAILED" "$now" > "$FAULT_WINDOWS.tmp"
  mv "$FAULT_WINDOWS.tmp" "$FAULT_WINDOWS"
}

# Re-applies any fault an instance lost (a restarted instance starts clean), so the game day
# stays consistent. One GET per instance, in parallel; one jq per instance. Returns 1 if an
# instance is unreachable.
ensure_faults() {
  local want host rc=0 dir
  want=$(scenario_faults | jq -cs .)
  dir=$(mktemp -d)
  for host in "${INSTANCES[@]}"; do control GET "$host" /faults > "$dir/$host" 2>/dev/null & done
  wait
  for host in "${INSTANCES[@]}"; do
    if ! jq -e .providers >/dev/null 2>&1 < "$dir/$host"; then rc=1; continue; fi
    while IFS= read -r body; do
      [ -n "$body" ] && { control POST "$host" /faults "$body" >/dev/null || rc=1; }
    done < <(jq -c --argjson want "$want" '. as $f | $want[] | select($f.providers[.provider][.kind] == null)' < "$dir/$host")
  done
  rm -rf "$dir"
  return $rc
}

# instance_status HOST: `GET /status` of one instance (faults, running config, verification).
instance_status() {
  control GET "$1" /status
}

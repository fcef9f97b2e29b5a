# Lab 3, second scenario (infrastructure): one instance in a crash loop (a bad canary release),
# one slow instance, then the PostgreSQL primary lost. Sourced on the grader after scenario.sh.
#
# The incident starts when the provider incident report (step 4) passes; the primary is lost
# when the slow instance is out of rotation (step 6), so each alert has its own cause. When each
# fault went live is recorded here, on the grader's own file system, where the learner can
# neither read nor alter it: the infrastructure report is judged against these times.
INFRA_WINDOWS=/home/grader/incident-simulation/infra-windows
# Releases for one instance (a canary) live in /srv/deploy/<instance>.yaml: the instance runs
# with that file instead of the shared config while it is there (files/run-instance.sh).
DEPLOY_DIR=/srv/deploy
INFRA_REPORT_FILE=/learner-home/infra-incident-report.md
SLOW_MS=2500
# HAProxy's admin socket on the sandbox network (files/haproxy-admin.cfg).
LB_ADMIN_PORT=9999

# Sets CRASH_INSTANCE and SLOW_INSTANCE (two different instances), from the seed.
infra_load() {
  local hex n0 n1 rest
  hex=$(printf 'incident-simulation:infrastructure:%s' "$ACADEMY_SEED" | sha256sum | cut -c1-8)
  n0=$((16#${hex:0:4})); n1=$((16#${hex:4:4}))
  CRASH_INSTANCE=${INSTANCES[$((n0 % 3))]}
  mapfile -t rest < <(printf '%s\n' "${INSTANCES[@]}" | grep -vx "$CRASH_INSTANCE")
  SLOW_INSTANCE=${rest[$((n1 % 2))]}
}

infra_started() { [ -s "$INFRA_WINDOWS" ]; }

# infra_since KIND: when that fault went live (epoch seconds), empty if it has not.
infra_since() { [ -f "$INFRA_WINDOWS" ] && awk -v k="$1" '$1 == k { print $3; exit }' "$INFRA_WINDOWS"; }

infra_not_started() {
  echo "FAIL: The infrastructure incident has not started yet: it begins when your provider incident report (step 4) passes."
  exit 1
}

# start_infra_incident: a bad canary release on CRASH_INSTANCE (restarted into a crash loop)
# and SLOW_INSTANCE slowed down. Once per sandbox; the windows are written before the faults go
# live, so a time in the report can never precede what it describes.
start_infra_incident() {
  infra_started && return 0
  local now tmp
  now=$(date -u +%s)
  mkdir -p "$(dirname "$INFRA_WINDOWS")"
  printf 'crash_loop %s %s\nslow %s %s\n' "$CRASH_INSTANCE" "$now" "$SLOW_INSTANCE" "$now" > "$INFRA_WINDOWS.tmp"
  mv "$INFRA_WINDOWS.tmp" "$INFRA_WINDOWS"
  # The canary: today's config with one value the new release no longer accepts.
  tmp=$(mktemp)
  {
    printf '# Release 2026.12.3, canary on %s only (rolled out by the deploy pipeline).\n' "$CRASH_INSTANCE"
    sed -E 's/^(  pool_size:).*/\1 "10 connections"/' /etc/helixagent/config.yaml
  } > "$tmp"
  chmod 0666 "$tmp"
  mv "$tmp" "$DEPLOY_DIR/$CRASH_INSTANCE.yaml"
  # The pipeline restarts the instance onto the release; from then on it cannot start.
  control POST "$CRASH_INSTANCE" /faults '{"kind":"crash","exit_code":1,"delay_ms":0}' >/dev/null || true
  control POST "$SLOW_INSTANCE" /faults "{\"kind\":\"slow\",\"ms\":$SLOW_MS}" >/dev/null
}

# ensure_slow: re-applies the slow fault if SLOW_INSTANCE lost it (a restart starts clean).
ensure_slow() {
  local faults
  faults=$(control GET "$SLOW_INSTANCE" /faults 2>/dev/null) || return 1
  jq -e '.instance.slow' >/dev/null 2>&1 <<<"$faults" && return 0
  control POST "$SLOW_INSTANCE" /faults "{\"kind\":\"slow\",\"ms\":$SLOW_MS}" >/dev/null
}

# lose_primary: the PostgreSQL primary goes away (immediate shutdown of its postmaster, which
# ends the container: nothing restarts it). The grader's superuser asks the server itself, with
# COPY ... TO PROGRAM (run as postgres, in the data directory). Once per sandbox.
lose_primary() {
  [ -n "$(infra_since primary_lost)" ] && return 0
  printf 'primary_lost pg-primary %s\n' "$(date -u +%s)" >> "$INFRA_WINDOWS"
  psql -h pg-primary -q -c "COPY (SELECT 1) TO PROGRAM 'kill -QUIT \$(head -n 1 postmaster.pid)'" >/dev/null 2>&1 || true
}

# lb_server_status SERVER: that server's status in HAProxy's helixagent backend (UP, DOWN,
# DRAIN, MAINT, ...), from the stats CSV (field 18).
lb_server_status() {
  curl -fsS --max-time 5 'http://lb:8404/stats;csv' | awk -F, -v s="$1" '$1 == "helixagent" && $2 == s { print $18 }'
}

# Lab 3: per-instance checks of the running state. Sourced after scenario.sh.

# for_each_instance JQ-FILTER PROVIDER: runs the filter on every instance's /status with $p set
# to PROVIDER; prints "host<TAB>verdict" lines, "unreachable" when the control API did not answer.
for_each_instance() {
  local filter=$1 provider=$2 host dir
  dir=$(mktemp -d)
  for host in "${INSTANCES[@]}"; do instance_status "$host" > "$dir/$host" 2>/dev/null & done
  wait
  for host in "${INSTANCES[@]}"; do
    if ! jq -e .config >/dev/null 2>&1 < "$dir/$host"; then
      printf '%s\tunreachable\n' "$host"
      continue
    fi
    printf '%s\t%s\n' "$host" "$(jq -r --arg p "$provider" "$filter" < "$dir/$host")"
  done
  rm -rf "$dir"
}

# hosts_with VERDICT < lines: comma-separated hosts whose verdict is VERDICT.
hosts_with() {
  awk -F'\t' -v v="$1" '$2 == v { printf "%s%s", sep, $1; sep = ", " }'
}

# Common jq helpers: the provider's running config and its verification result on one instance.
JQ_DEFS='def cfg: .config.providers[$p]; def ver($id): (.verification.providers[] | select(.id == $id));'

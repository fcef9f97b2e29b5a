# Lab 1's record of acknowledged writes (docs/decisions/030 and 037), on the grader's own file
# system where the learner cannot reach it. Sourced by the PostgreSQL checks and the writer.
# Ledger lines: `sysid <id>` (replica step), `probe <token>` (rows the replica check saw
# replicated), `debate <topic>` (debates the instances acknowledged with 201), `sync <ms>` (the
# synchronous-replication step passed, the writer started), `promoted <ms>` (first time the
# promote check saw pg-replica promoted), `rewound <ms>` (the rebuild step passed: the drill is
# over). Grader PG* variables: pg-primary as academy_grader.

LEDGER=/tmp/academy-ha-ledger
WRITER_LOG=/tmp/academy-ha-writer.log
WRITER_PID=/tmp/academy-ha-writer.pid
WRITER_UNTIL=/tmp/academy-ha-writer.until
# The writer keeps going this long after the last check of a failover step (re)started it.
WRITER_MINUTES=30

# Starts the background writer unless it runs, and gives it WRITER_MINUTES from now. Detached
# (setsid, its own session): it outlives this check, and the runner's timeout, which kills the
# check's process group, does not reach it.
writer_ensure() {
  echo $(($(date +%s) + WRITER_MINUTES * 60)) >"$WRITER_UNTIL"
  (
    flock -w 10 9 || exit 0
    pid="$(cat "$WRITER_PID" 2>/dev/null)"
    if [ -n "$pid" ] && grep -qs ha-writer "/proc/$pid/cmdline"; then exit 0; fi
    # 9>&-: the writer must not inherit the lock, or the next check would wait on it for ever.
    setsid bash /academy/lib/ha-writer.sh </dev/null >>/tmp/academy-ha-writer.err 2>&1 9>&- &
    echo $! >"$WRITER_PID"
  ) 9>/tmp/academy-ha-writer.lock
}

writer_stop() {
  local pid
  pid="$(cat "$WRITER_PID" 2>/dev/null)"
  if [ -n "$pid" ] && grep -qs ha-writer "/proc/$pid/cmdline"; then kill "$pid" 2>/dev/null; fi
  rm -f "$WRITER_PID" "$WRITER_UNTIL"
}

# True once the synchronous-replication step has started the writer in this sandbox.
writer_started() { grep -q '^sync ' "$LEDGER" 2>/dev/null; }
# True while the drill is on: the writer was started and the rebuild step has not passed yet.
writer_wanted() { writer_started && ! grep -q '^rewound ' "$LEDGER" 2>/dev/null; }

# The owed entries (`probe <token>` / `debate <topic>`), each once.
ledger_owed() { grep -E '^(probe|debate) [A-Za-z0-9:_-]+$' "$LEDGER" 2>/dev/null | sort -u; }

# Prints the owed entries HOST does not have, one a line; fails (status 2) if HOST cannot be
# asked. One query for the whole ledger (thousands of writer entries; a standby can run it too).
ledger_missing() {
  local host="$1" owed values out
  owed="$(ledger_owed)"
  [ -n "$owed" ] || return 0
  values="$(printf '%s\n' "$owed" | awk '{ printf "%s(\047%s\047, \047%s\047)", (NR > 1 ? ", " : ""), $1, $2 }')"
  [ -n "$values" ] || { echo "could not turn the ledger into a query"; return 2; }
  out="$(psql -X -At -v ON_ERROR_STOP=1 -h "$host" -d helixagent_db 2>&1 <<SQL
with owed(kind, value) as (values $values)
select kind || ' ' || value from owed
 where (kind = 'probe' and not exists (select 1 from public.academy_replication_probe p where p.token = owed.value))
    or (kind = 'debate' and not exists (select 1 from public.debates d where d.topic = owed.value))
SQL
)" || { echo "${out##*$'\n'}"; return 2; }
  [ -z "$out" ] || printf '%s\n' "$out"
}

# The writer's own acknowledged writes since a time (ms since the epoch), counted.
writer_acks_since() { awk -v t="$1" '$2 == 201 && $1 > t' "$WRITER_LOG" 2>/dev/null | wc -l; }
# Its refused attempts (no 201) since a time: writes nobody was promised.
writer_refused_since() { awk -v t="$1" '$2 != 201 && $1 > t' "$WRITER_LOG" 2>/dev/null | wc -l; }

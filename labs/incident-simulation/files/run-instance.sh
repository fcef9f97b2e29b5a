#!/bin/bash
# Lab 3: runs one HelixAgent instance the way a process supervisor does: whenever it exits, it is
# started again 3 s later, so an instance that cannot start shows as a crash loop (alerts, the
# load balancer, the log) instead of a stopped container. A release for this instance alone (a
# canary) is /srv/deploy/$INSTANCE_ID.yaml: while that file is there, the instance runs with it
# instead of the shared /etc/helixagent/config.yaml. Every exit is logged, as JSON, to the log
# file the workstation reads.
LOG=/var/log/helixagent/helixagent.log
child=0
trap 'kill -TERM "$child" 2>/dev/null; wait "$child"; exit 0' TERM INT
restarts=0
while :; do
  release=/srv/deploy/$INSTANCE_ID.yaml
  args=(serve)
  config=/etc/helixagent/config.yaml
  if [ -f "$release" ]; then
    args+=(--config "$release")
    config=$release
  fi
  helixagent "${args[@]}" 2> >(tee /tmp/helixagent.stderr >&2) &
  child=$!
  wait "$child"
  code=$?
  restarts=$((restarts + 1))
  node -e '
    const [instance, code, restarts, config, last] = process.argv.slice(1)
    let error = last.trim()
    try { const j = JSON.parse(error); error = [j.msg, j.error].filter(Boolean).join(": ") } catch {}
    console.log(JSON.stringify({ level: "error", ts: new Date().toISOString(), instance,
      msg: `helixagent exited with code ${code}; restarting in 3 s`, exit_code: Number(code),
      restarts: Number(restarts), config, error }))' \
    "$INSTANCE_ID" "$code" "$restarts" "$config" "$(tail -n 1 /tmp/helixagent.stderr 2>/dev/null)" >> "$LOG"
  sleep 3
done

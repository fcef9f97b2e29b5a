// Lab 1 (ha-setup) on the real engine: every check fails on a fresh sandbox and on a partial
// or wrong answer, each solve makes its check pass, and at the end every check passes.
import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import {
  calloutCommand,
  describeMissing,
  execInLearnerShell,
  missingCommands,
} from '../test-support/command-check'
import {
  describeResult,
  expectCheckFails,
  expectCheckPasses,
  expectSolvePasses,
  provisionLabForSuite,
  type LabSandbox,
} from '../test-support/lab-harness'

let lab: LabSandbox
provisionLabForSuite('ha-setup', (ready) => (lab = ready), { seed: '4242' })

/** The `run` block of the `<Step title="…">` on a step page, exactly as the learner reads it. */
function stepCommand(stepFile: string, title: string): string {
  const text = readFileSync(path.join(lab.lab.dir, 'steps', stepFile), 'utf8')
  const start = text.indexOf(`<Step title="${title}">`)
  const end = text.indexOf('</Step>', start)
  const block = start < 0 || end < 0 ? null : /```\w+ run\n([\s\S]*?)\n```/.exec(text.slice(start, end))
  if (!block?.[1]) throw new Error(`${stepFile} has no step "${title}" with a run block`)
  return block[1]
}

describe('lab ha-setup', () => {
  it('every runnable command of its steps and lessons exists on the host the text names', async () => {
    const missing = await missingCommands(lab)
    expect(describeMissing(missing)).toBe('')
  }, 60_000)

  it('fails every check on a fresh sandbox, with a concrete reason', async () => {
    await expectCheckFails(lab, 'replica', /does not accept connections|no streaming connection/)
    await expectCheckFails(lab, 'redis-cluster', /knows 1 cluster node/)
    await expectCheckFails(lab, 'redis-failover', /knows 1 cluster node/)
    await expectCheckFails(lab, 'pooler', /pool_mode = session/)
    await expectCheckFails(lab, 'load-balancer', /no server for helixagent-2/)
    // The survive-failure check needs a load balancer that reaches the other instances.
    await expectCheckFails(lab, 'survive-failure', /failed|served none/)
    await expectCheckFails(lab, 'pg-sync', /no streaming connection from pg-replica/)
    await expectCheckFails(lab, 'pg-promote', /pg-replica does not accept connections/)
    await expectCheckFails(lab, 'pg-repoint', /pg-replica is not a primary/)
    await expectCheckFails(lab, 'pg-rewind', /pg-replica is not the primary/)
  }, 300_000)

  it('replica: a copy without -R is not a standby; the "Forgot -R?" callout, typed as written, starts over', async () => {
    const wrong = await execInLearnerShell(
      lab,
      'pg-replica',
      'pg_basebackup -h pg-primary -U replicator -D "$PGDATA" -X stream && sleep 4',
    )
    expect(wrong.exitCode, wrong.output).toBe(0)
    const notStandby = await lab.check('replica')
    expect(notStandby.passed, describeResult(notStandby)).toBe(false)
    expect(notStandby.feedback.hint.join('\n'), describeResult(notStandby)).toMatch(/-R/)
    const callout = calloutCommand(path.join(lab.lab.dir, 'steps/01-replica.mdx'), 'Forgot -R?')
    const reset = await execInLearnerShell(lab, 'pg-replica', callout, 30)
    expect(reset.exitCode, reset.output).toBe(0)
    const again = await execInLearnerShell(
      lab,
      'pg-replica',
      'pg_basebackup -h pg-primary -U replicator -D "$PGDATA" -R -X stream -P',
    )
    expect(again.exitCode, again.output).toBe(0)
    // The host's service manager starts PostgreSQL within a couple of seconds of the backup.
    let result = await lab.check('replica')
    for (let i = 0; i < 10 && !result.passed; i++) {
      await new Promise((resolve) => setTimeout(resolve, 1000))
      result = await lab.check('replica')
    }
    expect(result.passed, describeResult(result)).toBe(true)
  }, 180_000)

  it('pooler: an edited but not reloaded pgbouncer.ini does not count; the solve reloads', async () => {
    const edit = await lab.exec(
      'pgbouncer',
      "sed -i 's/^pool_mode = .*/pool_mode = transaction/' /etc/pgbouncer/pgbouncer.ini",
    )
    expect(edit.exitCode, edit.output).toBe(0)
    await expectCheckFails(lab, 'pooler', /pool_mode = session/)
    await expectSolvePasses(lab, 'pooler')
    await expectCheckPasses(lab, 'pooler')
  }, 120_000)

  it('redis-cluster: two nodes that met are not a cluster; three masters without replicas are not HA; the callout adds them', async () => {
    const meet = await lab.exec(
      'workstation',
      'redis-cli -h redis-1 cluster meet "$(getent hosts redis-2 | cut -d" " -f1)" 6379 && sleep 2',
    )
    expect(meet.output).toContain('OK')
    await expectCheckFails(lab, 'redis-cluster', /knows 2 cluster node/)
    // Nodes that know each other refuse --cluster create: forget the half-made cluster first.
    const reset = await lab.exec(
      'workstation',
      'redis-cli -h redis-1 cluster reset hard && redis-cli -h redis-2 cluster reset hard',
    )
    expect(reset.exitCode, reset.output).toBe(0)
    // What the step used to teach: three masters, no replicas. A working cluster, and no HA.
    const create = await execInLearnerShell(
      lab,
      'workstation',
      'redis-cli --cluster create redis-1:6379 redis-2:6379 redis-3:6379 --cluster-yes && sleep 3',
    )
    expect(create.output).toContain('All 16384 slots covered')
    await expectCheckFails(lab, 'redis-cluster', /knows 3 cluster node/)
    await expectCheckFails(lab, 'redis-failover', /knows 3 cluster node/)
    // The "Created three masters only?" callout, typed as written; then Check at once.
    const callout = calloutCommand(
      path.join(lab.lab.dir, 'steps/02-redis-cluster.mdx'),
      'Created three masters only?',
    )
    const add = await execInLearnerShell(lab, 'workstation', callout, 90)
    expect(add.exitCode, add.output).toBe(0)
    await expectCheckPasses(lab, 'redis-cluster')
    await expectSolvePasses(lab, 'redis-cluster')
    await expectCheckPasses(lab, 'redis-cluster')
  }, 240_000)

  it('redis-failover: a master whose replica follows another master is not failed over; the drill passes', async () => {
    // Move one replica to another master (a plausible slip with CLUSTER REPLICATE): one master
    // is left without a replica, and the check refuses to stop anything.
    const move = await lab.exec(
      'workstation',
      `nodes="$(redis-cli -h redis-1 cluster nodes)"
       a="$(printf '%s\n' "$nodes" | awk '$3 ~ /master/ && $9 != "" { print $1 }' | sed -n 1p)"
       b="$(printf '%s\n' "$nodes" | awk '$3 ~ /master/ && $9 != "" { print $1 }' | sed -n 2p)"
       r="$(printf '%s\n' "$nodes" | awk -v a="$a" '$4 == a { split($2, x, ":"); print x[1]; exit }')"
       redis-cli -h "$r" cluster replicate "$b" >&2 && sleep 3 && echo "moved $r $a"`,
    )
    const moved = /moved (\S+) (\S+)/.exec(move.output)
    expect(moved, move.output).not.toBeNull()
    await expectCheckFails(lab, 'redis-failover', /has no connected replica/)
    await expectCheckFails(lab, 'redis-cluster', /has no connected replica/)
    const back = await lab.exec(
      'workstation',
      `redis-cli -h ${moved![1]} cluster replicate ${moved![2]} && sleep 3`,
    )
    expect(back.output, back.output).toContain('OK')
    await expectCheckPasses(lab, 'redis-failover')
    await expectSolvePasses(lab, 'redis-failover')
    await expectCheckPasses(lab, 'redis-failover')
  }, 300_000)

  it('load-balancer: three servers without health checks fail; the solve adds them', async () => {
    const partial = await lab.exec(
      'lb',
      `sed -i 's/^    server helixagent-1 helixagent-1:8080$/    server helixagent-1 helixagent-1:8080\\n    server helixagent-2 helixagent-2:8080\\n    server helixagent-3 helixagent-3:8080/' /etc/haproxy/haproxy.cfg
       haproxy -c -q -f /etc/haproxy/haproxy.cfg && kill -USR2 "$(cat /run/haproxy/haproxy.pid)" && sleep 2`,
    )
    expect(partial.exitCode, partial.output).toBe(0)
    await expectCheckFails(lab, 'load-balancer', /not health-checked/)
    await expectSolvePasses(lab, 'load-balancer')
    await expectCheckPasses(lab, 'load-balancer')
  }, 120_000)

  it('survive-failure: health checks alone lose requests; retries without disable-l7-retry replay a POST', async () => {
    await expectCheckFails(lab, 'survive-failure', /a request through lb:8080 failed/)
    // The retries the step used to teach: every request survives, but a POST that reached the
    // crashed instance runs a second time on another one. (Three lines after "defaults"; a sed
    // one-line "a" command would append only the first and read the others as sed commands.)
    const retries = await lab.exec(
      'lb',
      `cfg=/etc/haproxy/haproxy.cfg
       awk '{ print } /^defaults$/ { print "    option redispatch"; print "    retries 3"; print "    retry-on conn-failure empty-response response-timeout" }' "$cfg" > /tmp/retries.cfg
       cat /tmp/retries.cfg > "$cfg" && grep -q '^    retry-on conn-failure empty-response response-timeout$' "$cfg"
       haproxy -c -q -f "$cfg" && kill -USR2 "$(cat /run/haproxy/haproxy.pid)" && sleep 2`,
    )
    expect(retries.exitCode, retries.output).toBe(0)
    // The drill needs all three servers UP in HAProxy (the first run's victim rejoins after
    // rise 2 x inter 2s); then the POST that dies with the victim is retried elsewhere.
    const allUp = await lab.exec(
      'lb',
      `for _ in $(seq 1 40); do
         up="$(echo "show stat" | socat stdio /run/haproxy/admin.sock | awk -F, '$1 == "helixagent" && $2 ~ /^helixagent-/ && $18 == "UP"' | wc -l)"
         [ "$up" -eq 3 ] && exit 0
         sleep 0.5
       done
       exit 1`,
    )
    expect(allUp.exitCode, allUp.output).toBe(0)
    await expectCheckFails(lab, 'survive-failure', /HAProxy replayed [1-9]/)
    await expectSolvePasses(lab, 'survive-failure')
    await expectCheckPasses(lab, 'survive-failure')
  }, 360_000)

  it('cheat: answers made up on lb (http-request return) fail both checks; so do POSTs never forwarded', async () => {
    // Stats stay real (the backend is intact); only the answers on :8080 are faked by HAProxy itself.
    const fake = await lab.exec(
      'lb',
      `cp /etc/haproxy/haproxy.cfg /tmp/haproxy.cfg.solved
       sed -i '/^    default_backend helixagent$/i\\    http-request return status 200 content-type application/json string "{\\\\"object\\\\":\\\\"list\\\\",\\\\"data\\\\":[]}" hdr x-helixagent-instance "helixagent-%[rand(3),add(1)]" hdr x-helixagent-proof "%[rand()]%[rand()]"' /etc/haproxy/haproxy.cfg
       haproxy -c -q -f /etc/haproxy/haproxy.cfg && kill -USR2 "$(cat /run/haproxy/haproxy.pid)" && sleep 2
       exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /v1/models HTTP/1.0\\r\\n\\r\\n' >&3 && tr -d '\\r' <&3 | grep -i '^x-helixagent-instance'`,
    )
    expect(fake.exitCode, fake.output).toBe(0)
    expect(fake.output).toMatch(/x-helixagent-instance: helixagent-[123]/i)
    await expectCheckFails(lab, 'load-balancer', /did not come from any helixagent instance/)
    await expectCheckFails(lab, 'survive-failure', /did not come from any helixagent instance/)
    // Never forwarding a POST means none can be replayed: the grader's POSTs must reach an instance.
    const noPosts = await lab.exec(
      'lb',
      `cat /tmp/haproxy.cfg.solved > /etc/haproxy/haproxy.cfg
       sed -i '/^    default_backend helixagent$/i\    http-request return status 502 if METH_POST' /etc/haproxy/haproxy.cfg
       haproxy -c -q -f /etc/haproxy/haproxy.cfg && kill -USR2 "$(cat /run/haproxy/haproxy.pid)" && sleep 3`,
    )
    expect(noPosts.exitCode, noPosts.output).toBe(0)
    await expectCheckFails(lab, 'survive-failure', /never reached any helixagent instance/)
    const restore = await lab.exec(
      'lb',
      'cat /tmp/haproxy.cfg.solved > /etc/haproxy/haproxy.cfg && kill -USR2 "$(cat /run/haproxy/haproxy.pid)" && sleep 3',
    )
    expect(restore.exitCode, restore.output).toBe(0)
  }, 180_000)

  it('pg-sync: a name that matches no standby leaves it async; the step names it and the writer starts', async () => {
    // A plausible slip: the host name instead of the application_name the standby reports.
    const wrong = await execInLearnerShell(
      lab,
      'workstation',
      `psql -h pg-primary -p 5432 -U helixagent -d helixagent_db -c "alter system set synchronous_standby_names = 'pg-replica'" -c "select pg_reload_conf()" && sleep 1`,
    )
    expect(wrong.exitCode, wrong.output).toBe(0)
    await expectCheckFails(lab, 'pg-sync', /streams from pg-primary, but as 'async'/)
    const name = await execInLearnerShell(
      lab,
      'workstation',
      stepCommand('07-pg-sync.mdx', "Find the standby's name"),
    )
    expect(name.output).toMatch(/walreceiver/)
    const sync = await execInLearnerShell(
      lab,
      'workstation',
      stepCommand('07-pg-sync.mdx', 'Name it in synchronous_standby_names'),
    )
    expect(sync.exitCode, sync.output).toBe(0)
    expect(sync.output).toMatch(/walreceiver\s*\|\s*sync/)
    const output = await expectCheckPasses(lab, 'pg-sync')
    expect(output).toMatch(/The grader now writes a debate .* \([1-9]\d* acknowledged so far\)/)
    await expectSolvePasses(lab, 'pg-sync')
    await expectCheckPasses(lab, 'pg-sync')
  }, 120_000)

  it('pg-promote: a lost primary without a promotion fails; pg_promote() on the replica passes', async () => {
    // The step's commands, as written, on the hosts it names.
    const caughtUp = await execInLearnerShell(
      lab,
      'workstation',
      stepCommand('08-pg-promote.mdx', 'Check that the replica is caught up'),
    )
    expect(caughtUp.output).toMatch(/streaming/)
    const lose = await execInLearnerShell(
      lab,
      'pg-primary',
      stepCommand('08-pg-promote.mdx', 'Lose the primary'),
    )
    expect(lose.exitCode, lose.output).toBe(0)
    // The grader's writer tries about once a second and logs an attempt only once it is answered
    // (up to 3 s later): wait for one that met the lost primary, which the check below counts.
    const met = await lab.runScript(
      'grader',
      `source /academy/lib/ledger.sh
       lost="$(date +%s%3N)"
       for _ in $(seq 1 40); do [ "$(writer_refused_since "$lost")" -gt 0 ] && exit 0; sleep 0.5; done
       echo "the writer logged no refused attempt after the loss" >&2; exit 1`,
      { timeoutS: 30 },
    )
    expect(met.exitCode, met.output).toBe(0)
    await expectCheckFails(lab, 'pg-promote', /nobody promoted it/)
    await expectCheckFails(lab, 'pg-repoint', /pg-replica is not a primary/)
    const promote = await execInLearnerShell(
      lab,
      'workstation',
      stepCommand('08-pg-promote.mdx', 'Promote pg-replica'),
    )
    expect(promote.exitCode, promote.output).toBe(0)
    expect(promote.output).toMatch(/\n\s*f\s*\|/)
    // The writer's debates before the loss are all there; its attempts since were refused.
    const promoted = await expectCheckPasses(lab, 'pg-promote')
    expect(promoted).toMatch(/writer: [1-9]\d* debate\(s\) acknowledged .*, [1-9]\d* refused/)
    // An acknowledged write missing on the new primary (what asynchronous replication can lose)
    // fails, named: one of the writer's rows hidden on pg-replica, then put back.
    const hide = await lab.exec(
      'grader',
      `t="$(grep -m1 '^debate writer-' /tmp/academy-ha-ledger | cut -d' ' -f2)"
       psql -X -At -h pg-replica -d helixagent_db -c "update public.debates set topic = topic || '-hidden' where topic = '$t'" >&2 && echo "$t"`,
    )
    const hidden = hide.output.trim().split('\n').pop() ?? ''
    expect(hidden, hide.output).toMatch(/^writer-\d+-\d+$/)
    await expectCheckFails(
      lab,
      'pg-promote',
      new RegExp(`1 write\\(s\\) acknowledged .* not on the promoted pg-replica: debate ${hidden}`),
    )
    const unhide = await lab.exec(
      'grader',
      `psql -X -At -h pg-replica -d helixagent_db -c "update public.debates set topic = '${hidden}' where topic = '${hidden}-hidden'"`,
    )
    expect(unhide.output).toMatch(/UPDATE 1/)
    await expectCheckPasses(lab, 'pg-promote')
    await expectSolvePasses(lab, 'pg-promote')
    // Promoted, but PgBouncer still sends the instances to the lost primary.
    await expectCheckFails(lab, 'pg-repoint', /leads to 'pg-primary\|helixagent_db'/)
  }, 180_000)

  it('pg-repoint: an edited but not reloaded pgbouncer.ini still leads to the lost primary; RELOAD repoints the instances', async () => {
    const edit = await lab.exec(
      'pgbouncer',
      `sed -i -E 's/^helixagent = host=[^ ]+/helixagent = host=pg-replica/; s/^helixagent_ro = host=[^ ]+/helixagent_ro = host=pg-primary/; s/^\\* = host=[^ ]+/* = host=pg-replica/' /etc/pgbouncer/pgbouncer.ini`,
    )
    expect(edit.exitCode, edit.output).toBe(0)
    await expectCheckFails(lab, 'pg-repoint', /leads to 'pg-primary\|helixagent_db'/)
    const reload = await execInLearnerShell(
      lab,
      'workstation',
      stepCommand('09-pg-repoint.mdx', 'Reload and watch the instances come back'),
    )
    expect(reload.exitCode, reload.output).toBe(0)
    // The debate the step creates after the reload got an id: the instances write again.
    expect(reload.output).toMatch(/"id": "[^"]+"/)
    const repointed = await expectCheckPasses(lab, 'pg-repoint')
    expect(repointed).toMatch(/background writer writes again: [1-9]\d* debate/)
    await expectSolvePasses(lab, 'pg-repoint')
    await expectCheckPasses(lab, 'pg-repoint')
  }, 240_000)

  it('pg-rewind: the old primary left down or started as it was fails; rewound with -R it streams', async () => {
    await expectCheckFails(lab, 'pg-rewind', /has not been rebuilt and started/)
    const restart = await execInLearnerShell(
      lab,
      'pg-primary',
      'pg_ctl -D "$PGDATA" -l /var/lib/postgresql/postgres.log start && sleep 2',
    )
    expect(restart.exitCode, restart.output).toBe(0)
    await expectCheckFails(lab, 'pg-rewind', /two primaries/)
    await expectCheckFails(lab, 'pg-promote', /two primaries/)
    const callout = calloutCommand(
      path.join(lab.lab.dir, 'steps/10-pg-rewind.mdx'),
      'Started the old primary without rewinding it?',
    )
    const stop = await execInLearnerShell(lab, 'pg-primary', callout, 30)
    expect(stop.exitCode, stop.output).toBe(0)
    // The step's commands, as written, on the hosts it names.
    const rewind = await execInLearnerShell(
      lab,
      'pg-primary',
      stepCommand('10-pg-rewind.mdx', 'Rewind the old primary onto the new timeline'),
      120,
    )
    expect(rewind.exitCode, rewind.output).toBe(0)
    const start = await execInLearnerShell(
      lab,
      'pg-primary',
      stepCommand('10-pg-rewind.mdx', 'Start it as a standby'),
      90,
    )
    expect(start.exitCode, start.output).toBe(0)
    expect(start.output).toMatch(/\n\s*t\s*\|/)
    const verify = await execInLearnerShell(
      lab,
      'workstation',
      stepCommand('10-pg-rewind.mdx', 'Verify replication the other way round'),
    )
    expect(verify.exitCode, verify.output).toBe(0)
    const resync = await execInLearnerShell(
      lab,
      'workstation',
      stepCommand('10-pg-rewind.mdx', 'Make the new pair synchronous'),
    )
    expect(resync.output).toMatch(/walreceiver\s*\|\s*sync/)
    await expectCheckPasses(lab, 'pg-rewind')
    // Asked of the new pair now (pg-replica primary, pg-primary its synchronous standby).
    await expectCheckPasses(lab, 'pg-sync')
    await expectSolvePasses(lab, 'pg-rewind')
    await expectCheckPasses(lab, 'pg-rewind')
  }, 300_000)

  it('passes every check once all solves have run', async () => {
    for (const stepId of lab.stepIds) await expectCheckPasses(lab, stepId)
    // The rebuild ended the drill: the grader's background writer is gone, and checking the
    // failover steps again did not start it anew.
    const writer = await lab.exec('grader', 'grep -ls "ha[-]writer" /proc/[0-9]*/cmdline || echo none')
    expect(writer.output.trim()).toBe('none')
  }, 400_000)
})

// Lab 4 (dr-test) on a real sandbox: checks fail fresh and on partial answers; the backup check
// triggers the disaster exactly once; the restore is verified against the seed; the RTO report is
// compared with the grader's own measurement. Run: npx vitest run labs/dr-test/lab.test.ts
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { describeMissing, execInLearnerShell, missingCommands } from '../test-support/command-check'
import {
  describeResult,
  expectCheckFails,
  expectCheckPasses,
  provisionLabForSuite,
  type LabSandbox,
} from '../test-support/lab-harness'

const SEED = '777'
let lab: LabSandbox
let ledgerRows = 0
let sessionKeys = 0
const pitrRows = { pre: 0, batch: 0 }

/** On pg-pitr (as postgres): stop whatever runs, and unpack the newest base backup into $PGDATA. */
const freshFromBaseBackup = `if pg_ctl -D "$PGDATA" status >/dev/null 2>&1; then pg_ctl -D "$PGDATA" -m fast -w stop; fi
rm -rf "\${PGDATA:?}"/*
tar -xzf "$(ls -d /mnt/base-backups/base-* | sort | tail -n1)/base.tar.gz" -C "$PGDATA"
chmod 700 "$PGDATA"`
const waitPromoted = `for _ in $(seq 1 60); do
  [ "$(psql -X -tA -h /var/run/postgresql -U helixagent -d postgres -c 'select pg_is_in_recovery()')" = f ] && exit 0
  sleep 0.5
done
exit 1`

async function onPitr(script: string): Promise<string> {
  const result = await lab.runScript('pg-pitr', `set -euo pipefail\n${script}`, { timeoutS: 90 })
  expect(result.passed, describeResult(result)).toBe(true)
  return result.output
}

/** billing_db.invoices' row count on pg-primary, or null when the table is gone. */
async function billingInvoices(): Promise<number | null> {
  const r = await lab.runScript(
    'grader',
    `psql -X -tAq -d billing_db -c 'select count(*) from public.invoices'`,
  )
  return r.passed ? Number(r.output.trim()) : null
}

/** On redis-restore (as redis, the learner's shell there). */
async function onRedisRestore(script: string): Promise<string> {
  const result = await lab.runScript('redis-restore', `set -euo pipefail\n${script}`, { timeoutS: 90 })
  expect(result.passed, describeResult(result)).toBe(true)
  return result.output
}

/** On redis-restore: the newest backup archive decrypted into /tmp/rr (its RDBs, one per master). */
const decryptBackup = `rm -rf /tmp/rr && mkdir -p /tmp/rr
gpg --batch --quiet --pinentry-mode loopback --passphrase-file ~/ops/backup-passphrase \\
  --decrypt "$(ls -t /mnt/backup/helixagent-*.tar.gz.gpg | head -n1)" | tar -C /tmp/rr -xzf -`

/** On redis-restore: loads one RDB into a scratch server on port 7000 and imports it into the cluster. */
function importRdb(file: string): string {
  return `redis-cli -p 7000 shutdown nosave >/dev/null 2>&1 || true
redis-server --port 7000 --bind 127.0.0.1 --dir "$(dirname ${file})" --dbfilename "$(basename ${file})" \\
  --appendonly no --save '' --requirepass "$REDISCLI_AUTH" --daemonize yes --logfile /tmp/scratch.log
for _ in $(seq 1 50); do redis-cli -p 7000 ping 2>/dev/null | grep -q PONG && break; sleep 0.2; done
redis-cli --cluster import redis-1:6379 --cluster-from 127.0.0.1:7000 --cluster-from-pass "$REDISCLI_AUTH" --cluster-copy --cluster-replace >/dev/null
redis-cli -p 7000 shutdown nosave`
}

/** The seeded session keys in the Redis cluster now (every master scanned). */
async function sessionKeysInCluster(): Promise<number> {
  const r = await lab.runScript(
    'grader',
    `source /academy/lib/dr.sh; source /academy/lib/redis.sh
for n in $(redis_masters); do redis-cli --no-auth-warning -h "\${n%:*}" -p "\${n##*:}" --scan --pattern 'session:dr:*'; done | wc -l`,
  )
  expect(r.passed, describeResult(r)).toBe(true)
  return Number(r.output.trim())
}

async function asLearner(script: string): Promise<string> {
  const result = await lab.runScript('workstation', `set -euo pipefail\n${script}`, { timeoutS: 60 })
  expect(result.passed, describeResult(result)).toBe(true)
  return result.output
}

/** audit_ledger's row count on pg-primary, or null when the table/database is gone. */
async function primaryLedgerCount(): Promise<number | null> {
  const r = await lab.runScript(
    'grader',
    `psql -X -tAq -d helixagent_db -c 'select count(*) from audit_ledger'`,
  )
  return r.passed ? Number(r.output.trim()) : null
}

provisionLabForSuite('dr-test', (ready) => (lab = ready), {
  seed: SEED,
  ready: async (lab) => {
    const r = await lab.runScript(
      'grader',
      'source /academy/lib/dr.sh; source /academy/lib/pitr.sh; source /academy/lib/redis.sh; echo "$LEDGER_ROWS $PITR_PRE_ROWS $PITR_BATCH_ROWS $REDIS_SESSION_KEYS"',
    )
    ;[ledgerRows, pitrRows.pre, pitrRows.batch, sessionKeys] = r.output.trim().split(' ').map(Number) as [
      number,
      number,
      number,
      number,
    ]
  },
  beforeAllTimeoutMs: 400_000,
})

describe('dr-test lab', () => {
  it('every runnable command of its steps and lessons exists on the host the text names', async () => {
    expect(describeMissing(await missingCommands(lab))).toBe('')
  }, 60_000)

  it('seeds an individual data set and hands out the passphrase read-only', async () => {
    expect(ledgerRows).toBeGreaterThanOrEqual(800)
    expect(ledgerRows).toBeLessThan(2300)
    expect(await primaryLedgerCount()).toBe(ledgerRows)
    const ws = await asLearner(`test -s ~/ops/backup-passphrase && echo has-passphrase
touch ~/ops/x 2>/dev/null && echo ops-writable || echo ops-read-only
touch /mnt/backup/probe && rm /mnt/backup/probe && echo backup-writable`)
    expect(ws).toContain('has-passphrase')
    expect(ws).toContain('ops-read-only')
    expect(ws).toContain('backup-writable')
    expect(sessionKeys).toBeGreaterThanOrEqual(60)
    expect(await sessionKeysInCluster()).toBe(sessionKeys)
  }, 60_000)

  it('fails every check on the fresh sandbox', async () => {
    await expectCheckFails(lab, 'backup', /no backup yet/)
    await expectCheckFails(lab, 'restore', /has not happened yet/)
    await expectCheckFails(lab, 'dr-report', /has not happened yet/)
    await expectCheckFails(lab, 'wal-archive', /archive_library is empty/)
    await expectCheckFails(lab, 'pitr', /destruction has not happened yet/)
    await expectCheckFails(lab, 'redis-restore', /disaster has not happened yet/)
  }, 60_000)

  it("cheat: the learner's database role cannot run programs, read the grader's queries or act as superuser", async () => {
    const psqlLearner = 'psql -X -h pg-primary -p 5432 -U helixagent -d helixagent_db -v ON_ERROR_STOP=1 -tA'
    const copy = await lab.runScript(
      'workstation',
      `${psqlLearner} -c "COPY (SELECT 1) TO PROGRAM 'id > /tmp/pwned'"`,
      { user: 'learner' },
    )
    expect(copy.passed, describeResult(copy)).toBe(false)
    expect(copy.output).toMatch(/permission denied|must be superuser|pg_execute_server_program/)
    expect((await lab.exec('pg-primary', 'test -e /tmp/pwned && echo pwned || echo clean')).output).toContain(
      'clean',
    )
    expect(
      await asLearner(
        `${psqlLearner} -c "select rolsuper, pg_has_role('pg_read_all_stats', 'member') from pg_roles where rolname = current_user"`,
      ),
    ).toContain('f|f')
    // A grader query (the kind that carries the seed's digest) runs while the learner watches.
    const marker = `grader-secret-${Date.now()}`
    const [, seen] = await Promise.all([
      lab.runScript('grader', `psql -X -tAq -d helixagent_db -c "select pg_sleep(4), '${marker}'"`),
      (async () => {
        await new Promise((resolve) => setTimeout(resolve, 1500))
        return asLearner(
          `${psqlLearner} -c "select usename || ': ' || coalesce(query, '') from pg_stat_activity where usename = 'academy_grader'"`,
        )
      })(),
    ])
    expect(seen).toContain('academy_grader: <insufficient privilege>')
    expect(seen).not.toContain(marker)
  }, 60_000)

  it('step 1: an unencrypted dump, then a wrong passphrase, fail without a disaster; the solve passes and triggers it once', async () => {
    await asLearner(
      'pg_dump -h pg-primary -p 5432 -U helixagent -d helixagent_db -Fc -f /mnt/backup/helixagent_db.dump',
    )
    await expectCheckFails(lab, 'backup', /no encrypted archive/)
    await asLearner(`echo wrong > /tmp/wrong-pass
tar -C /tmp -czf - wrong-pass | gpg --batch --pinentry-mode loopback --symmetric --passphrase-file /tmp/wrong-pass -o /tmp/a.tar.gz.gpg
install -m 0644 /tmp/a.tar.gz.gpg /mnt/backup/manual.tar.gz.gpg`)
    await expectCheckFails(lab, 'backup', /cannot be decrypted with the backup passphrase/)
    // The right passphrase, the dump and the configs, but one master's snapshot: the sessions on
    // the other masters could not be restored after the flush.
    await asLearner(`rm -rf /tmp/one && mkdir /tmp/one && cd /tmp/one
pg_dump -h pg-primary -p 5432 -U helixagent -d helixagent_db -Fc -f helixagent_db.dump
redis-cli -h redis-1 --rdb redis-1.rdb >/dev/null
tar -czf configs.tar.gz /etc/helixagent/ 2>/dev/null
tar -czf - . | gpg --batch --pinentry-mode loopback --symmetric --passphrase-file ~/ops/backup-passphrase -o /tmp/one.tar.gz.gpg
rm -f /mnt/backup/manual.tar.gz.gpg && install -m 0644 /tmp/one.tar.gz.gpg /mnt/backup/one-master.tar.gz.gpg`)
    await expectCheckFails(lab, 'backup', /has 1 Redis RDB snapshot\(s\), but the cluster has 3 masters/)
    expect(await primaryLedgerCount()).toBe(ledgerRows)
    expect(await sessionKeysInCluster()).toBe(sessionKeys)

    const solved = await lab.solve('backup')
    expect(solved.passed, describeResult(solved)).toBe(true)
    const out = await expectCheckPasses(lab, 'backup')
    expect(out).toContain('DISASTER')
    expect(await primaryLedgerCount()).toBeNull()
    expect(await sessionKeysInCluster()).toBe(0)
    const page = await asLearner('cat ~/ops/PAGE.txt')
    expect(page).toMatch(/epoch seconds\): \d+/)
    expect(page).toContain('FLUSHALL on every Redis master')
    // Idempotent: a second pass reports the earlier disaster and destroys nothing new.
    expect(await expectCheckPasses(lab, 'backup')).toContain('already happened')
  }, 180_000)

  it('cheat: junk rows plus a look-alike md5() on a learner-set search_path do not pass the restore', async () => {
    // With the ledger's row count (from the learner's own backup) and md5() shadowed, a grader
    // that used the database's search_path would compute the same "digest" for junk as for the seed.
    await asLearner(`psql -X -h pg-primary -p 5432 -U helixagent -d helixagent_db -v ON_ERROR_STOP=1 -q <<'SQL'
CREATE SCHEMA evil;
CREATE FUNCTION evil.md5(text) RETURNS text LANGUAGE sql AS $$ SELECT 'same' $$;
ALTER DATABASE helixagent_db SET search_path = evil, pg_catalog, public;
CREATE TABLE public.audit_ledger (id int PRIMARY KEY, account text, amount_cents bigint, note text, created_at timestamp);
INSERT INTO public.audit_ledger SELECT i, 'x', 0, 'x', '2026-01-01' FROM generate_series(1, ${ledgerRows}) AS i;
CREATE TABLE public.debates (id int);
CREATE TABLE public.tasks (id int);
SQL`)
    const learnerPath = await asLearner(
      `psql -X -h pg-primary -p 5432 -U helixagent -d helixagent_db -tAc 'show search_path'`,
    )
    expect(learnerPath.trim()).toBe('evil, pg_catalog, public')
    const graderPath = await lab.runScript('grader', `psql -X -tAq -d helixagent_db -c 'show search_path'`)
    expect(graderPath.output.trim().replace(/\s/g, '')).toBe('pg_catalog,public')
    await expectCheckFails(lab, 'restore', /contents differ from the backup/)
    await asLearner(`psql -X -h pg-primary -p 5432 -U helixagent -d helixagent_db -v ON_ERROR_STOP=1 -q <<'SQL'
ALTER DATABASE helixagent_db RESET search_path;
DROP SCHEMA evil CASCADE;
DROP TABLE public.audit_ledger, public.debates, public.tasks;
SQL`)
  }, 60_000)

  it('step 2: a schema-only restore fails; the full restore passes and matches the seed', async () => {
    await asLearner(`archive=$(ls -t /mnt/backup/helixagent-*.gpg | head -n1); rm -rf /tmp/r; mkdir /tmp/r
gpg --batch --quiet --pinentry-mode loopback --passphrase-file ~/ops/backup-passphrase -d "$archive" | tar -C /tmp/r -xzf -
pg_restore -h pg-primary -p 5432 -U helixagent -d helixagent_db --schema-only --no-owner /tmp/r/helixagent_db.dump`)
    await expectCheckFails(lab, 'restore', /audit_ledger has 0 rows/)
    const solved = await lab.solve('restore')
    expect(solved.passed, describeResult(solved)).toBe(true)
    await expectCheckPasses(lab, 'restore')
    expect(await primaryLedgerCount()).toBe(ledgerRows)
    // A tampered row is caught by the checksum, then put back.
    await lab.runScript(
      'grader',
      `psql -X -q -d helixagent_db -c "update audit_ledger set amount_cents = amount_cents + 1 where id = 7"`,
    )
    await expectCheckFails(lab, 'restore', /checksum mismatch/)
    await lab.runScript(
      'grader',
      `psql -X -q -d helixagent_db -c "update audit_ledger set amount_cents = amount_cents - 1 where id = 7"`,
    )
    await expectCheckPasses(lab, 'restore')
  }, 180_000)

  it('step 3: the RTO reported as the result, a made-up recovery time and a wrong row count fail; the measured report passes', async () => {
    // The objective's name for the measured result: refused, with the difference explained.
    await asLearner(
      `printf -- '- RTO: 3 minutes\\n- RTO objective met: yes\\n- Rows restored: ${ledgerRows}\\n' > ~/dr-report.md`,
    )
    const objective = await lab.check('dr-report')
    expect(objective.passed, describeResult(objective)).toBe(false)
    expect(objective.feedback.fail.join('\n')).toMatch(/no line "Measured recovery time: MINUTES"/)
    expect(objective.feedback.hint.join('\n')).toMatch(
      /"RTO:" is the plan's objective \(4 hours\), not what you measured/,
    )
    await asLearner(
      `printf -- '- Measured recovery time: 90 minutes\\n- RTO objective met: yes\\n- Rows restored: ${ledgerRows + 1}\\n' > ~/dr-report.md`,
    )
    await expectCheckFails(
      lab,
      'dr-report',
      /recovery time you reported \(90 min\) is far from/,
      /Rows restored: \d+" is not the number/,
    )
    await asLearner(
      `printf -- '- Measured recovery time: 1 minutes\\n- RTO objective met: no\\n- Rows restored: ${ledgerRows}\\n' > ~/dr-report.md`,
    )
    await expectCheckFails(lab, 'dr-report', /objective met: no" does not match/)
    const solved = await lab.solve('dr-report')
    expect(solved.passed, describeResult(solved)).toBe(true)
    await expectCheckPasses(lab, 'dr-report')
  }, 120_000)

  it("cheat: learner B submitting learner A's report (another seed's row count) fails", async () => {
    const other = await lab.runScript(
      'grader',
      'for s in 1 2 3 4 5; do ACADEMY_SEED=$s; source /academy/lib/dr.sh; echo "$LEDGER_ROWS"; done',
    )
    const theirs = other.output
      .trim()
      .split('\n')
      .map(Number)
      .find((n) => n !== ledgerRows)
    expect(theirs, other.output).toBeDefined()
    await asLearner(`cp ~/dr-report.md ~/dr-report.solved.md
sed -i 's/^- Rows restored: .*/- Rows restored: ${theirs}/' ~/dr-report.md`)
    await expectCheckFails(lab, 'dr-report', new RegExp(`"Rows restored: ${theirs}" is not the number`))
    await asLearner('mv ~/dr-report.solved.md ~/dr-report.md')
    await expectCheckPasses(lab, 'dr-report')
  }, 60_000)

  it("cheat: the learner's role can set no archive_command (a shell on pg-primary) and cannot open billing_db", async () => {
    const learnerPsql = 'psql -X -h pg-primary -p 5432 -U helixagent -v ON_ERROR_STOP=1 -tA'
    const command = await lab.runScript(
      'workstation',
      `${learnerPsql} -d postgres -c "ALTER SYSTEM SET archive_command = 'id > /tmp/pwned'"`,
      { user: 'learner' },
    )
    expect(command.passed, describeResult(command)).toBe(false)
    expect(command.output).toMatch(/permission denied to set parameter "archive_command"/)
    const billing = await lab.runScript('workstation', `${learnerPsql} -d billing_db -c 'select 1'`, {
      user: 'learner',
    })
    expect(billing.passed, describeResult(billing)).toBe(false)
    expect(billing.output).toMatch(/permission denied for database "billing_db"/)
  }, 60_000)

  it('step wal-archive: no directory, a wrong one, then no base backup fail; the solve passes and drops the table once', async () => {
    const learnerPsql = 'psql -X -h pg-primary -p 5432 -U helixagent -d postgres -v ON_ERROR_STOP=1 -tA'
    // The module alone: it does not know where to copy.
    await asLearner(
      `${learnerPsql} -c "ALTER SYSTEM SET archive_library = 'basic_archive'" -c 'SELECT pg_reload_conf()'`,
    )
    await expectCheckFails(lab, 'wal-archive', /copies WAL to '\(not set\)', not to the backup host/)
    // pg-pitr's mount point is not where the archive is mounted on pg-primary (the archiver fails).
    await asLearner(
      `${learnerPsql} -c "ALTER SYSTEM SET basic_archive.archive_directory = '/mnt/wal-archive'" -c 'SELECT pg_reload_conf()'`,
    )
    await expectCheckFails(lab, 'wal-archive', /copies WAL to '\/mnt\/wal-archive', not to the backup host/)
    await asLearner(`${learnerPsql} -c "ALTER SYSTEM SET basic_archive.archive_directory = '/wal-archive'" -c 'SELECT pg_reload_conf()'
for _ in $(seq 1 40); do
  [ "$(${learnerPsql} -c 'select archived_count > 0 from pg_stat_archiver')" = t ] && exit 0
  sleep 0.5
done
exit 1`)
    await expectCheckFails(lab, 'wal-archive', /no base backup of yours to replay it onto/)
    expect(await billingInvoices()).toBe(pitrRows.pre)

    const solved = await lab.solve('wal-archive')
    expect(solved.passed, describeResult(solved)).toBe(true)
    expect(await expectCheckPasses(lab, 'wal-archive')).toContain('DISASTER')
    expect(await billingInvoices()).toBeNull()
    const log = await asLearner('cat ~/ops/PAGE-billing.txt ~/ops/billing.log')
    expect(log.match(/committed batch \d/g)).toHaveLength(4)
    expect(log).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}\+00 cleanup-job\[412\]: BEGIN; DROP TABLE/)
    expect(await expectCheckPasses(lab, 'wal-archive')).toContain('the table was dropped at')
  }, 180_000)

  it('step pitr: the base backup alone, rows typed in by hand and recovering past the DROP fail; the solve passes and reports the RPO', async () => {
    await expectCheckFails(lab, 'pitr', /pg-pitr does not accept connections/)
    // The base backup alone: no recovery.signal, no restore_command.
    await onPitr(`${freshFromBaseBackup}
pg_ctl -D "$PGDATA" -l ~/pitr.log -w -t 60 start`)
    await expectCheckFails(lab, 'pitr', /only the base backup was restored, no archived WAL was replayed/)

    // A cheater who somehow has the right values (here: from the grader's own formula) and types
    // them in as superuser of their copy, in one transaction: the rows are right, their transaction
    // ids are not.
    const rows = await lab.runScript(
      'grader',
      'source /academy/lib/dr.sh; source /academy/lib/pitr.sh; for b in 1 2 3 4; do echo "INSERT INTO public.invoices $(pitr_rows_sql $b);"; done',
    )
    expect(rows.passed, describeResult(rows)).toBe(true)
    await onPitr(`psql -X -1 -v ON_ERROR_STOP=1 -q -h /var/run/postgresql -U academy_grader -d billing_db <<'SQL'
${rows.output.trim()}
SQL`)
    await expectCheckFails(
      lab,
      'pitr',
      /batch \d on pg-pitr were not written by the transaction that wrote them/,
    )

    // Every archived segment replayed, no target: the DROP comes back with it.
    await onPitr(`${freshFromBaseBackup}
echo "restore_command = 'cp /mnt/wal-archive/%f %p'" >> "$PGDATA/postgresql.auto.conf"
touch "$PGDATA/recovery.signal"
pg_ctl -D "$PGDATA" -l ~/pitr.log -w -t 60 start
${waitPromoted}`)
    await expectCheckFails(
      lab,
      'pitr',
      /the DROP TABLE was replayed, so the recovery went past the destruction/,
    )

    const solved = await lab.solve('pitr')
    expect(solved.passed, describeResult(solved)).toBe(true)
    const out = await expectCheckPasses(lab, 'pitr')
    expect(out).toContain(`all ${pitrRows.pre + 4 * pitrRows.batch} invoices`)
    const rpo = Number(/RPO achieved: ([\d.]+) s/.exec(out)?.[1])
    // At most the quiet second and a half between the last batch and the drop (less if something
    // else committed in between, an autoanalyze say).
    expect(rpo, out).toBeGreaterThan(0)
    expect(rpo, out).toBeLessThan(10)
    expect(out).toMatch(/objective 1 hour: met/)
  }, 240_000)

  it("step redis-restore: a snapshot taken after the flush and one master's snapshot fail; the page's commands as written and the solve pass; a lost TTL fails", async () => {
    await expectCheckFails(lab, 'redis-restore', /none of the \d+ session keys .* is in the cluster/)
    const page = readFileSync(path.join(lab.lab.dir, 'steps/06-redis-restore.mdx'), 'utf8')
    const blocks = [...page.matchAll(/^```bash run\n([\s\S]*?)\n```$/gm)].map((m) => m[1] ?? '')
    expect(blocks).toHaveLength(4)
    const damage = await execInLearnerShell(lab, 'workstation', blocks[0] ?? '', 30)
    expect(damage.exitCode, damage.output).toBe(0)
    expect(damage.output).toMatch(/FLUSHALL on every Redis master[\s\S]*redis-3: \d+ keys/)
    // The plausible slip: snapshot the cluster now (after the FLUSHALL) and restore that.
    await onRedisRestore(`rm -rf /tmp/now && mkdir /tmp/now
redis-cli -h redis-1 --rdb /tmp/now/redis-1.rdb >/dev/null
${importRdb('/tmp/now/redis-1.rdb')}`)
    await expectCheckFails(lab, 'redis-restore', /none of the \d+ session keys .* is in the cluster/)
    // The right archive, but one master's snapshot only: its slots' keys come back, no others.
    await onRedisRestore(`${decryptBackup}
${importRdb('"$(ls /tmp/rr/*.rdb | head -n1)"')}`)
    const partial = await sessionKeysInCluster()
    expect(partial).toBeGreaterThan(0)
    expect(partial).toBeLessThan(sessionKeys)
    await expectCheckFails(
      lab,
      'redis-restore',
      new RegExp(`${sessionKeys - partial} of the ${sessionKeys} session keys .* are missing`),
    )

    // The step page's commands on redis-restore, as written (its blocks after the workstation's
    // first one, in one learner shell so RESTORE and BACKUP carry over), restore every session.
    const asWritten = await execInLearnerShell(lab, 'redis-restore', blocks.slice(1).join('\n'), 90)
    expect(asWritten.exitCode, asWritten.output).toBe(0)
    expect(asWritten.output).toMatch(/helixagent-[^ ]*\.tar\.gz\.gpg -> /)
    expect(await expectCheckPasses(lab, 'redis-restore')).toContain(`all ${sessionKeys} session keys`)
    expect(await sessionKeysInCluster()).toBe(sessionKeys)
    // And the solve, on a flushed cluster again.
    await lab.runScript(
      'grader',
      'source /academy/lib/dr.sh; source /academy/lib/redis.sh; redis_flush_all_masters',
    )
    await expectCheckFails(lab, 'redis-restore', /none of the \d+ session keys/)
    const solved = await lab.solve('redis-restore')
    expect(solved.passed, describeResult(solved)).toBe(true)
    expect(await expectCheckPasses(lab, 'redis-restore')).toContain(`all ${sessionKeys} session keys`)
    expect(await sessionKeysInCluster()).toBe(sessionKeys)
    // A key that lost its expiry (a GET-then-SET copy) is caught, then put back.
    await lab.runScript('grader', `redis-cli --no-auth-warning -c -h redis-1 persist session:dr:1`)
    await expectCheckFails(lab, 'redis-restore', /1 session key\(s\) lost their expiry/)
    await lab.runScript('grader', `redis-cli --no-auth-warning -c -h redis-1 expire session:dr:1 86400`)
    await expectCheckPasses(lab, 'redis-restore')
  }, 180_000)

  // Every check once more, in turn: up to the sum of their time limits (lab.yaml), which the
  // PITR checks come near on a loaded machine.
  it('passes every check after the solves', async () => {
    for (const id of lab.stepIds) await expectCheckPasses(lab, id)
  }, 240_000)
})

// Lab 4 (dr-test) on a real sandbox: checks fail fresh and on partial answers; the backup check
// triggers the disaster exactly once; the restore is verified against the seed; the RTO report is
// compared with the grader's own measurement. Run: npx vitest run labs/dr-test/lab.test.ts
import { describe, expect, it } from 'vitest'
import { describeMissing, missingCommands } from '../test-support/command-check'
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
    const r = await lab.runScript('grader', 'source /academy/lib/dr.sh; echo "$LEDGER_ROWS"')
    ledgerRows = Number(r.output.trim())
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
  }, 60_000)

  it('fails every check on the fresh sandbox', async () => {
    await expectCheckFails(lab, 'backup', /no backup yet/)
    await expectCheckFails(lab, 'restore', /has not happened yet/)
    await expectCheckFails(lab, 'dr-report', /has not happened yet/)
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
    expect(await primaryLedgerCount()).toBe(ledgerRows)

    const solved = await lab.solve('backup')
    expect(solved.passed, describeResult(solved)).toBe(true)
    const out = await expectCheckPasses(lab, 'backup')
    expect(out).toContain('DISASTER')
    expect(await primaryLedgerCount()).toBeNull()
    const page = await asLearner('cat ~/ops/PAGE.txt')
    expect(page).toMatch(/epoch seconds\): \d+/)
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

  it('step 3: a made-up RTO and a wrong row count fail; the measured report passes', async () => {
    await asLearner(
      `printf -- '- RTO: 90 minutes\\n- RTO objective met: yes\\n- Rows restored: ${ledgerRows + 1}\\n' > ~/dr-report.md`,
    )
    await expectCheckFails(
      lab,
      'dr-report',
      /reported RTO \(90 min\) is far from/,
      /Rows restored: \d+" is not the number/,
    )
    await asLearner(
      `printf -- '- RTO: 1 minutes\\n- RTO objective met: no\\n- Rows restored: ${ledgerRows}\\n' > ~/dr-report.md`,
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

  it('passes every check after the solves', async () => {
    for (const id of lab.stepIds) await expectCheckPasses(lab, id)
  }, 60_000)
})

// Lab 3 (incident-simulation) on a real sandbox: every check fails on the fresh game day and on
// partial answers, passes after the solve scripts, and the faults are fixed through the config
// (not cleared). Run: npx vitest run labs/incident-simulation/lab.test.ts
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { describeMissing, execInLearnerShell, missingCommands } from '../test-support/command-check'
import {
  describeResult,
  expectCheckFails,
  expectCheckPasses,
  expectSolvePasses,
  provisionLabForSuite,
  type LabSandbox,
} from '../test-support/lab-harness'

const SEED = '4242'
const helpers = readFileSync(path.join(import.meta.dirname, 'lib/config-helpers.sh'), 'utf8')
let lab: LabSandbox

interface Scenario {
  degraded: string
  rateLimited: string
  authFailed: string
  limit: number
  /** The infrastructure scenario's instances (lib/infra.sh). */
  crash: string
  slow: string
}
let scenario: Scenario
const INSTANCES = ['helixagent-1', 'helixagent-2', 'helixagent-3']

/** Runs bash on the workstation as the learner, with the config helpers loaded. */
async function asLearner(script: string): Promise<string> {
  const result = await lab.runScript('workstation', `set -euo pipefail\n${helpers}\n${script}`, {
    timeoutS: 60,
  })
  expect(result.passed, describeResult(result)).toBe(true)
  return result.output
}

/** The `bash run` blocks under a step page's `### heading`, exactly as the learner reads them. */
function runBlocks(step: string, heading: string): string[] {
  const text = readFileSync(path.join(import.meta.dirname, 'steps', step), 'utf8')
  const start = text.indexOf(`### ${heading}\n`)
  if (start < 0) throw new Error(`${step} has no section "${heading}"`)
  const rest = text.slice(start + heading.length + 4)
  const section = rest.slice(0, rest.search(/^(### |<\/Steps>)/m))
  const blocks = [...section.matchAll(/```bash run\n([\s\S]*?)\n```/g)].map((m) => m[1] ?? '')
  if (blocks.length === 0) throw new Error(`${step}: section "${heading}" has no run block`)
  return blocks
}

/** Waits until `amtool alert query` on the workstation lists every "alertname [instance]" given. */
async function expectAlerts(wanted: string[]): Promise<void> {
  await expect
    .poll(
      async () => {
        const r = await lab.runScript(
          'workstation',
          `amtool alert query -o json | jq -r '.[] | "\\(.labels.alertname) \\(.labels.instance // "")"'`,
          { timeoutS: 20, user: 'learner' },
        )
        return wanted.filter((w) => !r.output.split('\n').some((line) => line.trim().startsWith(w)))
      },
      { timeout: 200_000, interval: 10_000 },
    )
    .toEqual([])
}

/** A report complete in form (every section and field) around the given timeline rows and root cause. */
function reportFor(parts: { rows: string[]; rootCause: string }): string {
  return [
    '# Incident Report: INC-7 Provider errors',
    '',
    '## Summary',
    '- **Severity**: P2',
    '- **Duration**: 10:00 - 10:30 UTC',
    '- **Impact**: Many chat completions failed for users',
    '',
    '## Timeline',
    '| Time (UTC) | Event |',
    '|------------|-------|',
    ...parts.rows,
    '',
    '## Root Cause',
    parts.rootCause,
    '',
    '## Resolution',
    'Fixed the configuration and reloaded every instance.',
    '',
    '## Action Items',
    '| Item | Owner | Due Date | Status |',
    '|------|-------|----------|--------|',
    '| Alert on provider verification failures | @sre-oncall | 2026-12-15 | Open |',
    '',
    '## Lessons Learned',
    'Check every provider during an incident.',
  ].join('\n')
}

provisionLabForSuite('incident-simulation', (ready) => (lab = ready), {
  seed: SEED,
  ready: async (lab) => {
    const out = await lab.runScript(
      'grader',
      `source /academy/lib/scenario.sh; source /academy/lib/infra.sh; scenario_load; infra_load
echo "$DEGRADED $RATE_LIMITED $AUTH_FAILED $UPSTREAM_LIMIT $CRASH_INSTANCE $SLOW_INSTANCE"`,
    )
    const [degraded = '', rateLimited = '', authFailed = '', limit = '', crash = '', slow = ''] = out.output
      .trim()
      .split(/\s+/)
    scenario = { degraded, rateLimited, authFailed, limit: Number(limit), crash, slow }
  },
  beforeAllTimeoutMs: 400_000,
})

describe('incident-simulation lab', () => {
  it('every runnable command of its steps and lessons exists on the host the text names', async () => {
    expect(describeMissing(await missingCommands(lab))).toBe('')
  }, 60_000)

  it('injects three different faults chosen from the seed, on every instance', async () => {
    expect(new Set([scenario.degraded, scenario.rateLimited, scenario.authFailed]).size).toBe(3)
    expect(scenario.limit).toBeGreaterThanOrEqual(20)
    expect(scenario.limit).toBeLessThanOrEqual(40)
    for (const host of ['helixagent-1', 'helixagent-2', 'helixagent-3']) {
      const r = await lab.runScript('grader', `source /academy/lib/scenario.sh; control GET ${host} /faults`)
      const faults = JSON.parse(r.output) as { providers: Record<string, Record<string, unknown>> }
      expect(Object.keys(faults.providers[scenario.degraded] ?? {})).toEqual(['degrade'])
      expect(Object.keys(faults.providers[scenario.rateLimited] ?? {})).toEqual(['rate_limit'])
      expect(Object.keys(faults.providers[scenario.authFailed] ?? {})).toEqual(['auth'])
    }
    // The workstation's own environment (what a terminal inherits) has no control token; the
    // harness adds the sandbox variables to its scripts, so look at the container's PID 1.
    const ws = await asLearner(
      `tr '\\0' '\\n' < /proc/1/environ | grep -c HELIXAGENT_CONTROL_TOKEN || echo token-absent; ls ~/vault; touch ~/vault/x 2>/dev/null && echo vault-writable || echo vault-read-only`,
    )
    expect(ws).toContain('token-absent')
    expect(ws).toContain(`${scenario.authFailed}.key`)
    expect(ws).toContain('vault-read-only')
  }, 60_000)

  it('fails every check on the fresh sandbox', async () => {
    for (const id of lab.stepIds) {
      const result = await lab.check(id)
      expect(result.passed, `${id}: ${describeResult(result)}`).toBe(false)
      expect(result.feedback.fail.length, id).toBeGreaterThan(0)
    }
  }, 120_000)

  it('cheat: a report blaming every provider for everything fails before any investigation', async () => {
    const all = ['claude', 'deepseek', 'gemini', 'qwen', 'mistral']
    const now = new Date().toISOString().slice(11, 16)
    await asLearner(`cat > ~/incident-report.md <<'MD'
${reportFor({
  rows: all.map((p) => `| ${now} | ${p} rate limited (429), key revoked (401) and degraded |`),
  rootCause: all.map((p) => `${p} was rate limited, its api key was revoked and it degraded.`).join(' '),
})}
MD`)
    const others = all.filter(
      (p) => ![scenario.degraded, scenario.rateLimited, scenario.authFailed].includes(p),
    )
    await expectCheckFails(
      lab,
      'incident-report',
      ...others.map((p) => new RegExp(`Root Cause: ${p} is blamed, but nothing was wrong`)),
      new RegExp(`Root Cause: ${scenario.degraded} was not rate limited`),
    )
  }, 60_000)

  it('step 1: a limit reloaded on one instance only fails; the solve passes', async () => {
    await asLearner(`set_provider ${scenario.rateLimited} requests_per_minute ${scenario.limit}
curl -fsS -X POST http://helixagent-1:8080/admin/reload >/dev/null`)
    await expectCheckFails(lab, 'rate-limit', /helixagent-2, helixagent-3: .*more requests per minute/)
    // A limit one above the upstream's is still too high.
    await asLearner(
      `set_provider ${scenario.rateLimited} requests_per_minute ${scenario.limit + 1}; reload_all`,
    )
    await expectCheckFails(lab, 'rate-limit', /helixagent-1, helixagent-2, helixagent-3/)
    expect((await lab.solve('rate-limit')).passed).toBe(true)
    await expectCheckPasses(lab, 'rate-limit')
  }, 120_000)

  it('step 2: a wrong key fails; the rotated key from the vault passes', async () => {
    await asLearner(
      `set_provider ${scenario.authFailed} api_key sk-sim-${scenario.authFailed}-guessed; reload_all`,
    )
    await expectCheckFails(lab, 'rotate-key', /rejects the provider's api_key/)
    // Learner A's rotated key for the same provider (another seed, another sandbox's token) fails here.
    const reused = await lab.runScript(
      'grader',
      `source /academy/lib/scenario.sh
for s in $(seq 1 300); do
  [ "$s" = "${SEED}" ] && continue
  ACADEMY_SEED=$s HELIXAGENT_CONTROL_TOKEN=another-sandbox-token scenario_load
  [ "$AUTH_FAILED" = "${scenario.authFailed}" ] && { echo "$ROTATED_KEY"; break; }
done`,
    )
    const theirKey = reused.output.trim()
    expect(theirKey, reused.output).toMatch(new RegExp(`^sk-sim-${scenario.authFailed}-[0-9a-f]{24}$`))
    await asLearner(`set_provider ${scenario.authFailed} api_key ${theirKey}; reload_all`)
    await expectCheckFails(lab, 'rotate-key', /rejects the provider's api_key/)
    const solved = await lab.solve('rotate-key')
    expect(solved.passed, describeResult(solved)).toBe(true)
    await expectCheckPasses(lab, 'rotate-key')
  }, 120_000)

  it('step 3: a fallback reloaded on one instance only fails; a healthy fallback everywhere passes', async () => {
    await asLearner(`set_provider ${scenario.degraded} fallback ${scenario.rateLimited}
curl -fsS -X POST http://helixagent-1:8080/admin/reload >/dev/null`)
    await expectCheckFails(
      lab,
      'degraded-provider',
      /helixagent-2, helixagent-3: the degraded provider is still enabled with no fallback/,
    )
    const solved = await lab.solve('degraded-provider')
    expect(solved.passed, describeResult(solved)).toBe(true)
    await expectCheckPasses(lab, 'degraded-provider')
  }, 120_000)

  it('step 4: an incomplete report that misses a provider fails; the full report passes', async () => {
    await asLearner(`cat > ~/incident-report.md <<'MD'
# Incident Report: INC-1

## Summary
- **Severity**: P2
- **Duration**: 10:00 - 10:30 UTC
- **Impact**: Some chat completions failed for users

## Timeline
| Time (UTC) | Event |
|------------|-------|
| 10:00 | Alert fired |

## Root Cause
${scenario.rateLimited} was rate limited and ${scenario.authFailed} lost its key.

## Resolution
Lowered the limit and rotated the key.

## Action Items
| Item | Owner | Due Date | Status |
|------|-------|----------|--------|
| Improve monitoring | @engineer | YYYY-MM-DD | Open |
MD`)
    await expectCheckFails(
      lab,
      'incident-report',
      /"## Lessons Learned" section is missing/,
      /Timeline: found 1 timestamped entry/,
      new RegExp(`Root Cause: it does not name ${scenario.degraded}`),
      new RegExp(`Timeline: no entry names ${scenario.rateLimited}`),
      /Action Items: add at least one concrete item/,
    )
    const solved = await lab.solve('incident-report')
    expect(solved.passed, describeResult(solved)).toBe(true)
    await expectCheckPasses(lab, 'incident-report')
  }, 120_000)

  it('cheat: the solved report with times from outside the game day fails', async () => {
    // Shift every HH:MM by 6 hours: the right providers and modes, but not when it happened.
    await asLearner(`cp ~/incident-report.md ~/report.solved.md
perl -pe 's/\\b([01]?\\d|2[0-3]):([0-5]\\d)\\b/sprintf("%02d:%s", ($1 + 6) % 24, $2)/ge' ~/report.solved.md > ~/incident-report.md`)
    await expectCheckFails(
      lab,
      'incident-report',
      new RegExp(
        `Timeline: the entries naming ${scenario.authFailed} have no time \\(UTC\\) from this game day`,
      ),
    )
    await asLearner('mv ~/report.solved.md ~/incident-report.md')
    await expectCheckPasses(lab, 'incident-report')
  }, 60_000)

  it("cheat: learner B submitting learner A's report (another seed's providers) fails", async () => {
    // Learner A: the first seed whose faults hit the providers differently from ours.
    const found = await lab.runScript(
      'grader',
      `source /academy/lib/scenario.sh
for s in $(seq 1 50); do ACADEMY_SEED=$s scenario_load; echo "$DEGRADED $RATE_LIMITED $AUTH_FAILED"; done`,
    )
    const mine = `${scenario.degraded} ${scenario.rateLimited} ${scenario.authFailed}`
    const theirs = found.output
      .trim()
      .split('\n')
      .find((line) => line.trim() !== mine)
    expect(theirs, found.output).toBeDefined()
    const [aDegraded = '', aRateLimited = '', aAuthFailed = ''] = (theirs ?? '').trim().split(/\s+/)
    // A's solved report is ours with A's providers in each role (same times: the window is not what fails it).
    const swap: Record<string, string> = {
      [scenario.degraded]: aDegraded,
      [scenario.rateLimited]: aRateLimited,
      [scenario.authFailed]: aAuthFailed,
    }
    const pattern = Object.keys(swap).join('|')
    await asLearner(`cp ~/incident-report.md ~/report.solved.md
perl -pe 'BEGIN { %s = (${Object.entries(swap)
      .map(([k, v]) => `"${k}" => "${v}"`)
      .join(', ')}) } s/\\b(${pattern})\\b/$s{$1}/g' ~/report.solved.md > ~/incident-report.md`)
    const result = await lab.check('incident-report')
    expect(result.passed, describeResult(result)).toBe(false)
    expect(result.feedback.fail.join('\n'), describeResult(result)).toMatch(/Root Cause:|Timeline:/)
    await asLearner('mv ~/report.solved.md ~/incident-report.md')
    await expectCheckPasses(lab, 'incident-report')
  }, 60_000)

  // ------------------------------------------------------------ infrastructure scenario

  it('infrastructure: starts when the provider report passes; amtool on the workstation finds the alerts', async () => {
    expect(scenario.crash).not.toBe(scenario.slow)
    expect(INSTANCES).toContain(scenario.crash)
    expect(INSTANCES).toContain(scenario.slow)
    const windows = await lab.runScript('grader', 'source /academy/lib/infra.sh; cat "$INFRA_WINDOWS"')
    expect(windows.output).toMatch(new RegExp(`^crash_loop ${scenario.crash} \\d+$`, 'm'))
    expect(windows.output).toMatch(new RegExp(`^slow ${scenario.slow} \\d+$`, 'm'))
    expect(windows.output).not.toMatch(/primary_lost/)
    await expectAlerts([
      `HelixAgentInstanceDown ${scenario.crash}:8080`,
      `HelixAgentSlowInstance ${scenario.slow}:8080`,
    ])
  }, 240_000)

  it('step 5: a release edited but still invalid keeps the crash loop; rolling it back passes', async () => {
    await expectCheckFails(lab, 'crash-loop', /still not answering: it exits and restarts/)
    // The step's own commands, as written, in the learner's terminal: the alert and the log's reason.
    const [query = '', extended = ''] = runBlocks('05-crash-loop.mdx', 'See what is firing')
    for (const command of [query, extended]) {
      const firing = await execInLearnerShell(lab, 'workstation', command)
      expect(firing.exitCode, firing.output).toBe(0)
      expect(firing.output).toContain('HelixAgentInstanceDown')
    }
    const [why = ''] = runBlocks('05-crash-loop.mdx', 'Find out why the instance is down')
    const exits = await execInLearnerShell(lab, 'workstation', why)
    expect(exits.exitCode, exits.output).toBe(0)
    expect(exits.output).toMatch(
      new RegExp(`${scenario.crash} +restarts=\\d+ +config=/srv/deploy/.*pool_size`),
    )
    // The learner "fixes" the value the log complains about with another one the schema rejects.
    await asLearner(`sed -i 's/"10 connections"/"ten"/' /srv/deploy/${scenario.crash}.yaml
grep -q '"ten"' /srv/deploy/${scenario.crash}.yaml`)
    await new Promise((resolve) => setTimeout(resolve, 8_000))
    await expectCheckFails(lab, 'crash-loop', /still not answering/)
    const log = await asLearner(
      `jq -rR 'fromjson? | select(.msg | test("^helixagent exited")) | "\\(.instance) \\(.error)"' /var/log/helixagent/helixagent.log | tail -n 1`,
    )
    expect(log).toContain(scenario.crash)
    expect(log).toMatch(/pool_size/)
    await expectSolvePasses(lab, 'crash-loop')
    await expectCheckPasses(lab, 'crash-loop')
  }, 180_000)

  it('step 6: draining a fast instance instead fails; draining the slow one passes and the primary is lost', async () => {
    await expectCheckFails(lab, 'slow-instance', /slow instance is still in rotation/)
    const fast = INSTANCES.find((h) => h !== scenario.slow) ?? ''
    await asLearner(`echo "set server helixagent/${fast} state drain" | nc lb 9999`)
    await expectCheckFails(
      lab,
      'slow-instance',
      /slow instance is still in rotation/,
      new RegExp(`${fast} is out of rotation`),
    )
    await asLearner(`echo "set server helixagent/${fast} state ready" | nc lb 9999`)
    const primary = await lab.runScript('grader', 'pg_isready -q -h pg-primary && echo primary-up')
    expect(primary.output).toContain('primary-up')
    await expectSolvePasses(lab, 'slow-instance')
    await expectCheckPasses(lab, 'slow-instance')
    // The pass set off the next fault: the primary is gone for good (its container exited).
    await expect
      .poll(
        async () => (await lab.runScript('grader', 'pg_isready -q -h pg-primary -t 2; echo rc=$?')).output,
        {
          timeout: 30_000,
          interval: 2_000,
        },
      )
      .not.toContain('rc=0')
  }, 180_000)

  it('step 7: promoting the replica alone fails (PgBouncer still on the lost primary); the failover passes', async () => {
    await expectCheckFails(lab, 'primary-lost', /pg-replica is still a read-only standby/)
    await asLearner(
      `psql -h pg-replica -p 5432 -U helixagent -d helixagent_db -XtAq -c 'SELECT pg_promote()'`,
    )
    await expectCheckFails(lab, 'primary-lost', /A write through PgBouncer .* fails/)
    await expectAlerts(['PostgresPrimaryDown'])
    await expectSolvePasses(lab, 'primary-lost')
    await expectCheckPasses(lab, 'primary-lost')
    // The step's confirm and recover commands, as written, tell the same story after the failover.
    const [confirm = ''] = runBlocks('07-primary-lost.mdx', 'Confirm the primary is lost')
    const confirmed = await execInLearnerShell(lab, 'workstation', confirm)
    expect(confirmed.output).toMatch(/^pg-primary:5432 - no /m)
    expect(confirmed.output).toMatch(/^pg-replica:5432 - accepting connections$/m)
    expect(confirmed.output.trim().split('\n').at(-1)).toBe('200')
    const [recover = ''] = runBlocks('07-primary-lost.mdx', 'Watch the service recover')
    const recovered = await execInLearnerShell(lab, 'workstation', recover)
    expect(recovered.exitCode, recovered.output).toBe(0)
    expect(JSON.parse(recovered.output)).toMatchObject({ ready: true })
  }, 240_000)

  it('step 8: a report without roles and status updates fails; the solved report passes', async () => {
    await expectSolvePasses(lab, 'infra-report')
    await asLearner(`cp ~/infra-incident-report.md ~/infra.solved.md
awk '/^## Roles/ { skip = 1; next } /^## Status Updates/ { skip = 1; next } /^## / { skip = 0 } !skip' ~/infra.solved.md \
  | sed 's/Severity..: P1/Severity**: P2/' > ~/infra-incident-report.md`)
    await expectCheckFails(
      lab,
      'infra-report',
      /"## Roles" section is missing/,
      /"## Status Updates" section is missing/,
      /complete outage is P1/,
    )
    await asLearner('cp ~/infra.solved.md ~/infra-incident-report.md')
    await expectCheckPasses(lab, 'infra-report')
  }, 60_000)

  it('cheat: an infrastructure report written before the faults fired, or with swapped hosts, fails', async () => {
    // Written before: the file's time precedes the incident (whatever it says).
    await asLearner(`touch -d '3 hours ago' ~/infra-incident-report.md`)
    await expectCheckFails(lab, 'infra-report', /last changed before this incident began/)
    // Times from before the incident: every HH:MM moved 3 hours back.
    await asLearner(
      `perl -pe 's/\\b([01]?\\d|2[0-3]):([0-5]\\d)\\b/sprintf("%02d:%s", ($1 + 21) % 24, $2)/ge' ~/infra.solved.md > ~/infra-incident-report.md`,
    )
    await expectCheckFails(
      lab,
      'infra-report',
      new RegExp(`Timeline: the entries naming ${scenario.crash} have no time \\(UTC\\) from this game day`),
      /Status Updates: found 0 updates/,
    )
    // Learner A's report: the crash-looping and the slow instance are other hosts in A's sandbox.
    const swap = { [scenario.crash]: scenario.slow, [scenario.slow]: scenario.crash }
    await asLearner(
      `perl -pe 's/\\b(${scenario.crash}|${scenario.slow})\\b/$1 eq "${scenario.crash}" ? "${swap[scenario.crash]}" : "${swap[scenario.slow]}"/ge' ~/infra.solved.md > ~/infra-incident-report.md`,
    )
    await expectCheckFails(
      lab,
      'infra-report',
      new RegExp(`Root Cause: ${scenario.crash} was not slow`),
      new RegExp(`Root Cause: ${scenario.slow} was not crash looping`),
    )
    await asLearner('mv ~/infra.solved.md ~/infra-incident-report.md')
    await expectCheckPasses(lab, 'infra-report')
  }, 60_000)

  it('passes every check after the solves, with the faults still injected (fixed, not cleared)', async () => {
    for (const id of lab.stepIds) await expectCheckPasses(lab, id)
    const r = await lab.runScript(
      'grader',
      'source /academy/lib/scenario.sh; control GET helixagent-2 /faults',
    )
    const faults = JSON.parse(r.output) as { providers: Record<string, unknown> }
    expect(Object.keys(faults.providers).sort()).toEqual(
      [scenario.degraded, scenario.rateLimited, scenario.authFailed].sort(),
    )
  }, 120_000)
})

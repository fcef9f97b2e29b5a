// Lab 3 (incident-simulation) on a real sandbox: every check fails on the fresh game day and on
// partial answers, passes after the solve scripts, and the faults are fixed through the config
// (not cleared). Run: npx vitest run labs/incident-simulation/lab.test.ts
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { describeMissing, missingCommands } from '../test-support/command-check'
import {
  describeResult,
  expectCheckFails,
  expectCheckPasses,
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
}
let scenario: Scenario

/** Runs bash on the workstation as the learner, with the config helpers loaded. */
async function asLearner(script: string): Promise<string> {
  const result = await lab.runScript('workstation', `set -euo pipefail\n${helpers}\n${script}`, {
    timeoutS: 60,
  })
  expect(result.passed, describeResult(result)).toBe(true)
  return result.output
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
      'source /academy/lib/scenario.sh; scenario_load; echo "$DEGRADED $RATE_LIMITED $AUTH_FAILED $UPSTREAM_LIMIT"',
    )
    const [degraded = '', rateLimited = '', authFailed = '', limit = ''] = out.output.trim().split(/\s+/)
    scenario = { degraded, rateLimited, authFailed, limit: Number(limit) }
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

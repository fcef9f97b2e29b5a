// Prints one closing line for the whole suite: "tests: N passed, N failed", preceded by the
// name and first lines of every failure, so the end of a long CI log says what went wrong.
// Usage: node scripts/test-summary.mjs --vitest FILE [--vitest FILE] --playwright FILE
import { existsSync, readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'

const { values } = parseArgs({
  options: {
    vitest: { type: 'string', multiple: true, default: [] },
    playwright: { type: 'string', multiple: true, default: [] },
  },
})
let passed = 0
let failed = 0
const failures = []
// The first lines of a failure message: enough to name the assertion, short enough for a log tail.
const firstLines = (text) =>
  String(text ?? '')
    .replace(/\u001b\[[0-9;]*m/g, '')
    .split('\n')
    .slice(0, 6)
    .join('\n    ')

for (const file of values.vitest) {
  if (!existsSync(file)) {
    failed += 1
    console.error(`No Vitest report at ${file}: those tests did not run to the end.`)
    continue
  }
  const v = JSON.parse(readFileSync(file, 'utf8'))
  passed += v.numPassedTests ?? 0
  failed += v.numFailedTests ?? 0
  // A file that fails to load has no test results of its own; count it once.
  failed += (v.testResults ?? []).filter(
    (f) => f.status === 'failed' && (f.assertionResults ?? []).length === 0,
  ).length
  for (const f of v.testResults ?? []) {
    const name = f.name.replace(`${process.cwd()}/`, '')
    if (f.status === 'failed' && (f.assertionResults ?? []).length === 0)
      failures.push(`${name} (did not load)\n    ${firstLines(f.message)}`)
    for (const a of f.assertionResults ?? [])
      if (a.status === 'failed')
        failures.push(`${name} › ${a.fullName ?? a.title}\n    ${firstLines(a.failureMessages?.[0])}`)
  }
}

for (const file of values.playwright) {
  if (!existsSync(file)) {
    failed += 1
    console.error(`No Playwright report at ${file}: the browser tests did not run to the end.`)
    continue
  }
  const p = JSON.parse(readFileSync(file, 'utf8'))
  passed += p.stats?.expected ?? 0
  failed += (p.stats?.unexpected ?? 0) + (p.stats?.flaky ?? 0)
  const walk = (suite) => {
    for (const spec of suite.specs ?? [])
      for (const t of spec.tests ?? [])
        if (t.status === 'unexpected' || t.status === 'flaky')
          failures.push(
            `${spec.file} › ${spec.title} (${t.status})\n    ${firstLines(t.results?.find((r) => r.error)?.error?.message)}`,
          )
    for (const child of suite.suites ?? []) walk(child)
  }
  for (const suite of p.suites ?? []) walk(suite)
}

if (failures.length > 0) console.log(`Failed:\n${failures.map((f) => `  ${f}`).join('\n')}`)

console.log(`tests: ${passed} passed, ${failed} failed`)

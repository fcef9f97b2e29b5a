// Prints one closing line for the whole suite: "tests: N passed, N failed".
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
}

console.log(`tests: ${passed} passed, ${failed} failed`)

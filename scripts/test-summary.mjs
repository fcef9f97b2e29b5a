// Prints one closing line for the whole suite: "tests: N passed, N failed".
import { existsSync, readFileSync } from 'node:fs'

let passed = 0
let failed = 0
const [vitestReport, playwrightReport] = process.argv.slice(2)

if (vitestReport && existsSync(vitestReport)) {
  const v = JSON.parse(readFileSync(vitestReport, 'utf8'))
  passed += v.numPassedTests ?? 0
  failed += v.numFailedTests ?? 0
  // A file that fails to load has no test results of its own; count it once.
  failed += (v.testResults ?? []).filter(
    (f) => f.status === 'failed' && (f.assertionResults ?? []).length === 0,
  ).length
} else {
  failed += 1
  console.error('No Vitest report: the unit and integration tests did not run to the end.')
}

if (playwrightReport && existsSync(playwrightReport)) {
  const p = JSON.parse(readFileSync(playwrightReport, 'utf8'))
  passed += p.stats?.expected ?? 0
  failed += (p.stats?.unexpected ?? 0) + (p.stats?.flaky ?? 0)
} else {
  failed += 1
  console.error('No Playwright report: the browser tests did not run to the end.')
}

console.log(`tests: ${passed} passed, ${failed} failed`)

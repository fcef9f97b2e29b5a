// Validates every lab definition under LABS_DIR (default ./labs): schema, referenced files,
// topology. Prints each problem as `file: field: message`; exits 1 if there is any.
// Run: npm run labs:validate  (or: npx tsx scripts/labs-validate.ts [labs-dir])
import path from 'node:path'
import { formatLabError, loadLabDefinitions } from '../contracts/load-lab-definitions'
import { runnerLabOptions } from '../lab-runner/src/labs/read-lab-topology'

const labsDir = path.resolve(process.argv[2] ?? process.env.LABS_DIR ?? 'labs')
const { labs, errors } = loadLabDefinitions(labsDir, runnerLabOptions)
for (const error of errors) console.error(formatLabError(error))
// Which lab adds back which capability (after CapDrop ALL), so a reviewer sees every widening.
for (const [slug, lab] of labs) {
  const used = Object.entries(lab.capabilities)
  if (used.length === 0) {
    console.log(`${slug}: no capabilities added`)
    continue
  }
  const reasons = new Map(lab.definition.capabilities.map((c) => [c.name as string, c.justification]))
  for (const [capability, services] of used) {
    const reason = reasons.get(capability)
    console.log(`${slug}: ${capability} (${services.join(', ')})${reason ? ` — justified: ${reason}` : ''}`)
  }
}
console.log(
  `${labs.size} lab(s) valid${labs.size > 0 ? `: ${[...labs.keys()].join(', ')}` : ''}; ${errors.length} error(s)`,
)
process.exit(errors.length > 0 ? 1 : 0)

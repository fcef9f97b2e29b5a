// Which services of a lab change with the learner's seed: on a warm-pool claim they take the
// learner's seed (handed over live where the topology says how, else recreated; see
// reseed-services.ts). Found by parsing the topology with two seeds and every other variable
// the same: fresh secrets on each parse would make every service that uses one look seed-bound,
// and a claim would restart most of the stack.
import { readFileSync } from 'node:fs'
import type { LoadedLab } from '../../../contracts/load-lab-definitions'
import { ProvisionError } from '../topology/docker-driver'
import {
  declaredSecretNames,
  parseTopologyFile,
  type ServiceSpec,
  type Topology,
} from '../topology/parse-topology'
import { generateVariables, placeholderVariables, type SandboxVariables } from './sandbox-variables'

/** A lab's topology with these variables (the rest generated); throws a ProvisionError if invalid. */
export function parseLabTopology(lab: LoadedLab, labsDir: string, variables: SandboxVariables): Topology {
  const secrets = declaredSecretNames(readFileSync(lab.topologyFile, 'utf8'))
  const topology = parseTopologyFile(lab.topologyFile, {
    bindRoot: labsDir,
    variables: {
      ...generateVariables({ sandboxId: 'sbx-parse', seed: '1', secretNames: secrets }),
      ...variables,
    },
    justifiedCapabilities: lab.definition.capabilities.map((c) => c.name),
  })
  if (!topology.ok)
    throw new ProvisionError(
      `topology is invalid: ${topology.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
    )
  return topology.topology
}

/** The services whose definition uses the seed. */
export function seedBoundServices(lab: LoadedLab, labsDir: string): ServiceSpec[] {
  const fixed = placeholderVariables(declaredSecretNames(readFileSync(lab.topologyFile, 'utf8')))
  const a = parseLabTopology(lab, labsDir, { ...fixed, ACADEMY_SEED: '1' })
  const b = parseLabTopology(lab, labsDir, { ...fixed, ACADEMY_SEED: '2' })
  return a.services.filter(
    (s) => JSON.stringify(s) !== JSON.stringify(b.services.find((t) => t.name === s.name)),
  )
}

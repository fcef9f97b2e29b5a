// The runner's topology reader for the shared lab loader (contracts/load-lab-definitions.ts):
// the full Compose parse with placeholders for the per-sandbox variables, so undefined
// ${VARS}, unknown hosts and bad depends_on show up at load time rather than when a learner
// presses Start. Services come back in start order.
import { readFileSync } from 'node:fs'
import type { LoadLabOptions, TopologyReader } from '../../../contracts/load-lab-definitions'
import { placeholderVariables } from '../sandboxes/sandbox-variables'
import { declaredSecretNames, parseTopologyFile } from '../topology/parse-topology'

export const readLabTopology: TopologyReader = (topologyFile, labsRoot, justifiedCapabilities) => {
  const secrets = declaredSecretNames(readFileSync(topologyFile, 'utf8'))
  const topology = parseTopologyFile(topologyFile, {
    bindRoot: labsRoot,
    variables: placeholderVariables(secrets),
    justifiedCapabilities,
  })
  if (!topology.ok) return { ok: false, issues: topology.issues }
  const capabilities: Record<string, string[]> = {}
  for (const service of topology.topology.services) {
    for (const capability of service.capAdd) (capabilities[capability] ??= []).push(service.name)
  }
  return { ok: true, services: topology.topology.services.map((s) => s.name), capabilities }
}

/** How the runner (and the tools that drive sandboxes like it does) loads labs. */
export const runnerLabOptions: LoadLabOptions = { readTopology: readLabTopology }

// The engine a lab test's sandbox runs on: the host's Docker engine (the default, and what
// `npm test` uses), or with LAB_TEST_ENGINE=swarm a three-node Docker-in-Docker Swarm built for
// the test (tests/support/swarm-cluster.ts), with the lab images pushed to its registry — to
// run a lab's steps on a cluster: `LAB_TEST_ENGINE=swarm npx vitest run labs/ha-setup/lab.test.ts`.
import Docker from 'dockerode'
import { ensureImages } from '../../scripts/images/build-images'
import { pushImages } from '../../scripts/images/push-images'
import { dockerEngine } from '../../lab-runner/src/engine/docker-engine'
import type { SandboxEngine } from '../../lab-runner/src/engine/sandbox-engine'
import { dockerFromUrl } from '../../lab-runner/src/engine/swarm/node-engines'
import { swarmEngine } from '../../lab-runner/src/engine/swarm/swarm-engine'
import { startSwarmCluster } from '../../tests/support/swarm-cluster'

export interface LabTestEngine {
  engine: SandboxEngine
  /** Removes what the engine itself needed (the test cluster); the sandbox is the caller's. */
  dispose(): Promise<void>
}

export async function labTestEngine(name: string): Promise<LabTestEngine> {
  const docker = new Docker()
  const kind = process.env.LAB_TEST_ENGINE ?? 'docker'
  if (kind === 'docker') return { engine: dockerEngine(docker), dispose: async () => {} }
  if (kind !== 'swarm') throw new Error(`LAB_TEST_ENGINE must be docker or swarm (got "${kind}")`)
  const images = await ensureImages({ labels: { 'academy.test': '1' } })
  if (!images.ok) throw new Error(`lab images: ${images.message}`)
  const cluster = await startSwarmCluster({ prefix: name })
  try {
    const pushed = await pushImages(images.images, cluster.registry)
    if (!pushed.ok) throw new Error(pushed.message)
  } catch (error) {
    await cluster.remove()
    throw error
  }
  return {
    engine: swarmEngine({
      manager: dockerFromUrl(cluster.manager.engineUrl),
      builder: docker,
      registry: cluster.registry,
      nodes: { port: 2375, overrides: {} },
      constraints: ['node.labels.academy.sandboxes==true'],
    }),
    dispose: () => cluster.remove(),
  }
}

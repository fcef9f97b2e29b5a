// A REAL lab-runner for web-side tests: the runner's own HTTP server on a free loopback port,
// driving the real Docker engine, with the test fixture labs. It points the web app's
// configuration at itself (RUNNER_URL and friends), so a test imports the web modules it
// exercises only after `startInProcessRunner` resolved: the configuration is read on first use.
import { randomBytes } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import Docker from 'dockerode'
import { loadLabDefinitions } from '@/contracts/load-lab-definitions'
import { createRunnerServer, type RunnerServer } from '@/lab-runner/src/http/runner-server'
import { runnerLabOptions } from '@/lab-runner/src/labs/read-lab-topology'
import { createHookRunner } from '@/lab-runner/src/sandboxes/lab-hooks'
import { SandboxRegistry, type Logger } from '@/lab-runner/src/sandboxes/sandbox-registry'
import { createTicketStore } from '@/lab-runner/src/terminal/tickets'
import { ensureTestShellImage } from '@/lab-runner/test-fixtures/test-images'
import { dockerEngine } from '../../lab-runner/src/engine/docker-engine'

/** The fixture labs (`sample`): one workstation container, a few seconds to start. */
export const FIXTURE_LABS_DIR = path.resolve(import.meta.dirname, '../../lab-runner/test-fixtures/labs')
export const TEST_WEB_ORIGIN = 'http://localhost:3000'

const quiet: Logger = { info: () => {}, warn: () => {}, error: () => {} }

export interface InProcessRunner {
  registry: SandboxRegistry
  server: RunnerServer
  /** `http://127.0.0.1:<port>` */
  baseUrl: string
  /** The service token the web app sends (already in RUNNER_SERVICE_TOKEN). */
  token: string
  docker: Docker
  /** Deletes every sandbox it started, then stops the registry and the server. */
  stop(): Promise<void>
}

export async function startInProcessRunner(options: {
  /** Names the test in container labels and names, so leftovers say where they came from. */
  name: string
  labsDir?: string
  maxSandboxes?: number
}): Promise<InProcessRunner> {
  ensureTestShellImage()
  const labsDir = options.labsDir ?? FIXTURE_LABS_DIR
  const docker = new Docker()
  const token = randomBytes(32).toString('hex')
  const registry: SandboxRegistry = new SandboxRegistry({
    engine: dockerEngine(docker),
    catalog: loadLabDefinitions(labsDir, runnerLabOptions),
    labsDir,
    maxSandboxes: options.maxSandboxes ?? 4,
    instance: `test-${options.name}-${randomBytes(4).toString('hex')}`,
    extraLabels: { 'academy.test': '1' },
    log: quiet,
    runHook: createHookRunner(docker, (id) => registry.scriptEnv(id)),
  })
  const server = createRunnerServer({
    registry,
    tickets: createTicketStore(),
    serviceToken: token,
    publicOrigins: [TEST_WEB_ORIGIN],
    log: quiet,
    labErrors: 0,
  })
  await new Promise<void>((resolve) => server.server.listen(0, '127.0.0.1', resolve))
  const { port } = server.server.address() as AddressInfo
  const baseUrl = `http://127.0.0.1:${port}`
  process.env.RUNNER_URL = baseUrl
  process.env.RUNNER_SERVICE_TOKEN = token
  process.env.RUNNER_PUBLIC_URL = `ws://127.0.0.1:${port}`
  process.env.LABS_DIR = labsDir
  return {
    registry,
    server,
    baseUrl,
    token,
    docker,
    async stop() {
      for (const sandbox of registry.list()) await registry.delete(sandbox.id)
      await registry.stop()
      await server.close()
    },
  }
}

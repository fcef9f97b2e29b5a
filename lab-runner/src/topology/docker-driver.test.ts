// Real-engine test of startServices' dependency waits.
import { randomBytes } from 'node:crypto'
import path from 'node:path'
import Docker from 'dockerode'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureTestShellImage, TEST_SHELL_IMAGE } from '../../test-fixtures/test-images'
import { createSandboxNetwork, networkName, removeSandboxResources, startServices } from './docker-driver'
import { parseTopology } from './parse-topology'

const docker = new Docker()
const sandboxId = `sbx-test${randomBytes(4).toString('hex')}`
const labels = { 'academy.test': '1', 'academy.managed': '1', 'academy.sandbox': sandboxId }
const fixtures = path.resolve(import.meta.dirname, '../../test-fixtures/labs')

beforeAll(async () => {
  ensureTestShellImage()
  await createSandboxNetwork(docker, sandboxId, labels)
}, 300_000)

afterAll(async () => {
  await removeSandboxResources(docker, sandboxId)
})

describe('startServices', () => {
  it('starts a dependant as soon as the healthcheck passes, not one Docker interval later', async () => {
    // Docker would run db's first healthcheck 60 s after start; the dependant must not wait for it.
    const parsed = parseTopology(
      `
services:
  db:
    image: ${TEST_SHELL_IMAGE}
    command: ["bash", "-c", "sleep 1; touch /tmp/ready; exec sleep infinity"]
    healthcheck:
      test: ["CMD-SHELL", "test -f /tmp/ready"]
      interval: 60s
      timeout: 2s
      retries: 3
  app:
    image: ${TEST_SHELL_IMAGE}
    command: ["sleep", "infinity"]
    depends_on:
      db: { condition: service_healthy }
`,
      { composeDir: path.join(fixtures, 'sample'), bindRoot: fixtures, variables: {} },
    )
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues))
    const hosts = await startServices({
      docker,
      sandboxId,
      topology: parsed.topology,
      network: networkName(sandboxId),
      labels,
      // Well under the 60 s interval: only the probe can make it in time.
      deadline: Date.now() + 20_000,
    })
    const db = await docker.getContainer(hosts['db']?.containerId ?? '').inspect()
    const app = await docker.getContainer(hosts['app']?.containerId ?? '').inspect()
    expect(app.State.Running).toBe(true)
    // Docker itself has not checked yet; the app started after db became ready, not before.
    expect(db.State.Health?.Status).toBe('starting')
    expect(Date.parse(app.State.StartedAt) - Date.parse(db.State.StartedAt)).toBeGreaterThanOrEqual(900)
  }, 60_000)
})

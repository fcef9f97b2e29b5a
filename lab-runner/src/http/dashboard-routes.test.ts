// The dashboard route over a real socket and real sandboxes of the fixture lab: one copy with a
// dashboard section (its "Prometheus" is a port where nothing listens) and the original without.
// Drawing real Prometheus data is labs/monitoring-stack/lab.test.ts's job.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { randomBytes } from 'node:crypto'
import { tmpdir } from 'node:os'
import path from 'node:path'
import Docker from 'dockerode'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureTestShellImage } from '../../test-fixtures/test-images'
import { loadLabDefinitions } from '../../../contracts/load-lab-definitions'
import { runnerLabOptions } from '../labs/read-lab-topology'
import { createHookRunner } from '../sandboxes/lab-hooks'
import { LABEL } from '../sandboxes/labels'
import { SandboxRegistry, type Logger } from '../sandboxes/sandbox-registry'
import { createTicketStore } from '../terminal/tickets'
import { createRunnerServer, type RunnerServer } from './runner-server'
import { dockerEngine } from '../engine/docker-engine'

const token = randomBytes(32).toString('hex')
const instance = `test-dash-${randomBytes(4).toString('hex')}`
const quiet: Logger = { info: () => {}, warn: () => {}, error: () => {} }
const docker = new Docker()
const temp = mkdtempSync(path.join(tmpdir(), 'academy-dashboard-'))
const labsDir = path.join(temp, 'labs')

let runner: RunnerServer
let registry: SandboxRegistry
let base: string
const sandboxes: Record<'dash' | 'sample', string> = { dash: '', sample: '' }

async function api(url: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(base + url, { headers: { authorization: `Bearer ${token}` } })
  return { status: res.status, json: (await res.json()) as Record<string, unknown> }
}
async function writeFile(id: string, content: string): Promise<void> {
  const res = await fetch(`${base}/v1/sandboxes/${id}/files?host=workstation&path=/etc/motd`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ content }),
  })
  expect(res.status).toBe(200)
}

beforeAll(async () => {
  ensureTestShellImage()
  cpSync(path.resolve(import.meta.dirname, '../../test-fixtures/labs'), labsDir, { recursive: true })
  cpSync(path.join(labsDir, 'sample'), path.join(labsDir, 'dash'), { recursive: true })
  const file = path.join(labsDir, 'dash', 'lab.yaml')
  const yaml = readFileSync(file, 'utf8').replace('slug: sample', 'slug: dash')
  writeFileSync(
    file,
    `${yaml}\ndashboard:\n  file: { host: workstation, path: /etc/motd }\n  prometheus: { host: db, port: 9090 }\n`,
  )
  const catalog = loadLabDefinitions(labsDir, runnerLabOptions)
  expect(catalog.errors).toEqual([])

  registry = new SandboxRegistry({
    engine: dockerEngine(docker),
    catalog,
    labsDir,
    maxSandboxes: 2,
    instance,
    extraLabels: { 'academy.test': '1' },
    log: quiet,
    runHook: createHookRunner(docker, (id) => registry.scriptEnv(id)),
  })
  runner = createRunnerServer({
    registry,
    tickets: createTicketStore(),
    serviceToken: token,
    publicOrigins: [],
    log: quiet,
    labErrors: 0,
  })
  await new Promise<void>((resolve) => runner.server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(runner.server.address() as AddressInfo).port}`
  for (const labSlug of ['dash', 'sample'] as const) {
    const created = await registry.create({ userId: 'dash-user', labSlug })
    if (created.status !== 'provisioning' && created.status !== 'ready')
      throw new Error(JSON.stringify(created))
    sandboxes[labSlug] = created.sandbox.id
  }
  for (const id of Object.values(sandboxes)) expect((await registry.whenSettled(id))?.state).toBe('ready')
}, 300_000)

afterAll(async () => {
  await runner?.close()
  for (const sandbox of registry?.list() ?? []) await registry.delete(sandbox.id)
  const filters = { label: [`${LABEL.runner}=${instance}`] }
  for (const c of await docker.listContainers({ all: true, filters }))
    await docker.getContainer(c.Id).remove({ force: true })
  for (const n of await docker.listNetworks({ filters })) await docker.getNetwork(n.Id).remove()
  rmSync(temp, { recursive: true, force: true })
})

describe('GET /v1/sandboxes/:id/dashboard', () => {
  it('is 404 for an unknown sandbox and for a lab without a dashboard', async () => {
    expect(await api('/v1/sandboxes/sbx-nope/dashboard')).toMatchObject({
      status: 404,
      json: { error: { code: 'not-found' } },
    })
    expect(await api(`/v1/sandboxes/${sandboxes.sample}/dashboard`)).toEqual({
      status: 404,
      json: {
        error: {
          code: 'no-dashboard',
          message: 'lab "sample" has no dashboard (no dashboard section in its lab.yaml)',
        },
      },
    })
  })

  it('refuses a range outside 60 s to 24 h, saying which', async () => {
    for (const range of ['5', 'soon', '999999']) {
      const answer = await api(`/v1/sandboxes/${sandboxes.dash}/dashboard?range=${range}`)
      expect(answer).toMatchObject({
        status: 400,
        json: {
          error: {
            code: 'invalid-request',
            message: expect.stringMatching(/^invalid query: range: must be/),
          },
        },
      })
    }
  })

  it('answers a file that is not a panels list with what to fix, as a result', async () => {
    await writeFile(sandboxes.dash, 'just a greeting\n')
    expect(await api(`/v1/sandboxes/${sandboxes.dash}/dashboard`)).toEqual({
      status: 200,
      json: {
        status: 'file-problem',
        file: { host: 'workstation', path: '/etc/motd' },
        message: expect.stringContaining('has no panels: list'),
      },
    })
  })

  it('reports an unreachable Prometheus on each panel, not as a failed request', async () => {
    await writeFile(sandboxes.dash, 'panels:\n  - title: Up\n    query: up\n  - title: Missing query\n')
    const answer = await api(`/v1/sandboxes/${sandboxes.dash}/dashboard?range=900`)
    expect(answer.status).toBe(200)
    expect(answer.json).toMatchObject({
      status: 'ok',
      notices: [],
      range: { stepS: 8 },
      panels: [
        {
          title: 'Up',
          status: 'error',
          series: [],
          message: expect.stringMatching(/^Prometheus \(db:9090\) is not answering \(connect ECONNREFUSED/),
        },
        { title: 'Missing query', status: 'error', message: expect.stringContaining('no query') },
      ],
    })
    const range = answer.json.range as { start: number; end: number }
    expect(range.end - range.start).toBe(900)
    expect(Math.abs(range.end - Date.now() / 1000)).toBeLessThan(10)
  })
})

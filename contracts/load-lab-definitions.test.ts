import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { formatLabError, loadLabDefinitions } from './load-lab-definitions'
import { runnerLabOptions } from '../lab-runner/src/labs/read-lab-topology'

const fixtureLabs = path.resolve(import.meta.dirname, '../lab-runner/test-fixtures/labs')
const temp = mkdtempSync(path.join(tmpdir(), 'academy-labs-'))
afterAll(() => rmSync(temp, { recursive: true, force: true }))

/** A labs folder holding the sample lab plus a copy edited by `edit`. */
function labsWithBrokenCopy(name: string, edit: (yaml: string) => string): string {
  const labsDir = path.join(temp, name, 'labs')
  cpSync(fixtureLabs, labsDir, { recursive: true })
  cpSync(path.join(labsDir, 'sample'), path.join(labsDir, 'broken'), { recursive: true })
  const file = path.join(labsDir, 'broken', 'lab.yaml')
  writeFileSync(file, edit(readFileSync(file, 'utf8').replace('slug: sample', 'slug: broken')))
  return labsDir
}

describe('loadLabDefinitions', () => {
  it('loads the sample lab with defaults and its topology services', () => {
    const { labs, errors } = loadLabDefinitions(fixtureLabs)
    expect(errors).toEqual([])
    const sample = labs.get('sample')
    expect(sample?.services).toEqual(['db', 'seed', 'workstation'])
    expect(sample?.definition.steps[0]?.check.timeoutS).toBe(10)
    expect(sample?.definition.serviceTabs).toEqual([
      { label: 'Dashboard', host: 'workstation', port: 8080, path: '/' },
    ])
  })

  it('names the file and field of a missing script, and skips only that lab', () => {
    const labsDir = labsWithBrokenCopy('missing-script', (y) => y.replace('checks/hello.sh', 'checks/x.sh'))
    const { labs, errors } = loadLabDefinitions(labsDir)
    expect(errors.map(formatLabError)).toEqual([
      'labs/broken/lab.yaml: steps[0].check.script: file "checks/x.sh" not found',
    ])
    expect([...labs.keys()]).toEqual(['sample'])
  })

  it('reports schema errors with field paths', () => {
    const labsDir = labsWithBrokenCopy('schema', (y) =>
      y.replace('points: 10', 'points: -1').replace('timeLimitMinutes: 30', 'timeLimitMinutes: soon'),
    )
    const fields = loadLabDefinitions(labsDir).errors.map((e) => e.field)
    expect(fields).toContain('steps[0].points')
    expect(fields).toContain('limits.timeLimitMinutes')
  })

  it('accepts NET_RAW only with a justification in the lab, and reports which service adds which capability', () => {
    const withNetRaw = (name: string, edit: (yaml: string) => string) => {
      const labsDir = labsWithBrokenCopy(name, edit)
      const topology = path.join(labsDir, 'broken', 'topology.yaml')
      writeFileSync(
        topology,
        readFileSync(topology, 'utf8').replace('capAdd: [CHOWN]', 'capAdd: [CHOWN, NET_RAW]'),
      )
      return loadLabDefinitions(labsDir, runnerLabOptions)
    }
    const unjustified = withNetRaw('net-raw', (y) => y)
    expect(unjustified.errors.map(formatLabError)).toEqual([
      expect.stringMatching(
        /^labs\/broken\/lab\.yaml: topology \(topology\.yaml\) services\.workstation\.x-academy\.capAdd\[1\]: NET_RAW is off the default allow-list/,
      ),
    ])
    const justification =
      'capabilities:\n  - { name: NET_RAW, justification: step 2 pings the replica to show packet loss }\nsteps:'
    const justified = withNetRaw('net-raw-justified', (y) => y.replace('steps:', justification))
    expect(justified.errors).toEqual([])
    expect(justified.labs.get('broken')?.capabilities).toEqual({
      CHOWN: ['workstation'],
      NET_RAW: ['workstation'],
    })
    // A justification for a capability nothing adds is stale: an error, so the list stays honest.
    const stale = loadLabDefinitions(
      labsWithBrokenCopy('stale', (y) => y.replace('steps:', justification)),
      runnerLabOptions,
    ).errors.map(formatLabError)
    expect(stale).toEqual([
      'labs/broken/lab.yaml: capabilities[0]: NET_RAW is justified but no service of topology.yaml adds it; remove the entry',
    ])
  })

  it('reports hosts that the topology does not have', () => {
    const labsDir = labsWithBrokenCopy('hosts', (y) =>
      y.replace('shellHosts: [workstation]', 'shellHosts: [bastion]'),
    )
    expect(loadLabDefinitions(labsDir).errors.map(formatLabError)).toEqual([
      'labs/broken/lab.yaml: shellHosts[0]: host "bastion" is not a service of topology.yaml (services: db, seed, workstation)',
    ])
  })
})

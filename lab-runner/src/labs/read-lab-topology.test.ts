import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { formatLabError, loadLabDefinitions } from '../../../contracts/load-lab-definitions'
import { runnerLabOptions } from './read-lab-topology'

const fixtureLabs = path.resolve(import.meta.dirname, '../../test-fixtures/labs')
const temp = mkdtempSync(path.join(tmpdir(), 'academy-topology-'))
afterAll(() => rmSync(temp, { recursive: true, force: true }))

describe('loading labs with the runner topology reader', () => {
  it('loads the sample lab with its services in start order', () => {
    const { labs, errors } = loadLabDefinitions(fixtureLabs, runnerLabOptions)
    expect(errors).toEqual([])
    expect(labs.get('sample')?.services).toEqual(['db', 'seed', 'workstation'])
  })

  it('reports a topology the Compose parser rejects, which the plain service list accepts', () => {
    const labsDir = path.join(temp, 'labs')
    cpSync(fixtureLabs, labsDir, { recursive: true })
    const topology = path.join(labsDir, 'sample', 'topology.yaml')
    writeFileSync(
      topology,
      readFileSync(topology, 'utf8').replace(
        /^services:\n/m,
        'services:\n  extra:\n    image: x\n    depends_on: [nowhere]\n',
      ),
    )
    expect(loadLabDefinitions(labsDir).errors).toEqual([])
    const errors = loadLabDefinitions(labsDir, runnerLabOptions).errors.map(formatLabError)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(/^labs\/sample\/lab.yaml: topology \(topology.yaml\) /)
  })
})

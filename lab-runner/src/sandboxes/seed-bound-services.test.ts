// A warm-pool claim hands the learner's seed to every service that uses it. Recreating one
// instead costs the learner tens of seconds (decision 028), so every course lab's seed-bound
// service must say how to take the seed live (x-academy.reseed).
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadLabDefinitions } from '../../../contracts/load-lab-definitions'
import { runnerLabOptions } from '../labs/read-lab-topology'
import { seedBoundServices } from './seed-bound-services'

const labsDir = path.resolve(import.meta.dirname, '../../../labs')
const catalog = loadLabDefinitions(labsDir, runnerLabOptions)

describe('seed-bound services of the course labs', () => {
  it('loads the four course labs', () => {
    expect([...catalog.labs.keys()].sort()).toEqual([
      'dr-test',
      'ha-setup',
      'incident-simulation',
      'monitoring-stack',
    ])
  })

  for (const [slug, lab] of catalog.labs) {
    it(`${slug}: every service that uses the seed takes a new one live on a claim`, () => {
      const bound = seedBoundServices(lab, labsDir)
      expect(bound.map((s) => s.name)).toEqual(['helixagent-1', 'helixagent-2', 'helixagent-3'])
      expect(bound.filter((s) => !s.reseed).map((s) => s.name)).toEqual([])
    })
  }
})

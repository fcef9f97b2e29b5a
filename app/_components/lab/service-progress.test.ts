import { describe, expect, it } from 'vitest'
import { isServiceUp, serviceProgress } from './service-progress'

describe('serviceProgress', () => {
  it('names each stage of a service the way the learner reads it', () => {
    expect(serviceProgress(undefined)).toBe('waiting')
    expect(serviceProgress({ host: 'a', state: 'missing', health: 'none' })).toBe('waiting')
    expect(serviceProgress({ host: 'a', state: 'created', health: 'none' })).toBe('waiting')
    expect(serviceProgress({ host: 'a', state: 'running', health: 'starting' })).toBe('starting')
    expect(serviceProgress({ host: 'a', state: 'restarting', health: 'none' })).toBe('starting')
    expect(serviceProgress({ host: 'a', state: 'running', health: 'healthy' })).toBe('up')
    expect(serviceProgress({ host: 'a', state: 'running', health: 'none' })).toBe('up')
    expect(serviceProgress({ host: 'a', state: 'running', health: 'unhealthy' })).toBe('failed')
    expect(serviceProgress({ host: 'a', state: 'exited', health: 'none', exitCode: 0 })).toBe('done')
    expect(serviceProgress({ host: 'a', state: 'exited', health: 'none', exitCode: 1 })).toBe('failed')
    expect(serviceProgress({ host: 'a', state: 'dead', health: 'none' })).toBe('failed')
  })

  it('counts finished one-shot jobs as up, and paused or starting services as not up', () => {
    expect(isServiceUp({ host: 'seed', state: 'exited', health: 'none', exitCode: 0 })).toBe(true)
    expect(isServiceUp({ host: 'db', state: 'paused', health: 'healthy' })).toBe(false)
    expect(isServiceUp({ host: 'db', state: 'running', health: 'starting' })).toBe(false)
  })
})

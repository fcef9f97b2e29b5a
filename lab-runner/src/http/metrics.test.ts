// The warm pool metrics as Prometheus reads them: values per pool, and `promtool check metrics` clean.
import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { createRunnerMetrics } from './metrics'

describe('runner metrics with warm pools', () => {
  it('exposes pool sizes, hits and misses, and claim latency, promtool-clean', async () => {
    const metrics = createRunnerMetrics({
      counts: () => ({ active: 3, queued: 0 }),
      terminalSessions: () => 0,
      pools: () => ({
        pools: [
          {
            key: 'lab:sample',
            labSlug: 'sample',
            wanted: 2,
            target: 2,
            ready: 1,
            starting: 1,
            claimed: 0,
            coldStarts: 0,
          },
        ],
        labs: [],
        memoryBudgetBytes: 1024,
        memoryUsedBytes: 512,
      }),
    })
    metrics.poolStarts.inc({ lab: 'sample', result: 'hit' })
    metrics.poolStarts.inc({ lab: 'sample', result: 'miss' })
    metrics.claimSeconds.observe(0.4)
    const text = await metrics.registry.metrics()
    expect(text).toContain('academy_runner_pool_sandboxes{pool="lab:sample",lab="sample",state="ready"} 1')
    expect(text).toContain('academy_runner_pool_starts_total{lab="sample",result="miss"} 1')
    expect(text).toContain('academy_runner_pool_claim_seconds_bucket{le="0.5"} 1')
    expect(text).toContain('academy_runner_pool_memory_bytes 512')
    const lint = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' })
    expect(lint.error?.message, 'promtool is needed: apt-get install prometheus').toBeUndefined()
    expect(lint.stdout + lint.stderr).toBe('')
    expect(lint.status).toBe(0)
  })
})

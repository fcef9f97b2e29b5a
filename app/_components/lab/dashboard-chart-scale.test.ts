import { describe, expect, it } from 'vitest'
import { formatValue, latestValue, legendNames, niceTicks, timeTicks } from './dashboard-chart-scale'

describe('dashboard chart scales', () => {
  it('picks round ticks that cover the values', () => {
    expect(niceTicks(0, 10)).toEqual([0, 2.5, 5, 7.5, 10])
    expect(niceTicks(0, 0.37)).toEqual([0, 0.1, 0.2, 0.3, 0.4])
    expect(niceTicks(12, 87)).toEqual([0, 20, 40, 60, 80, 100])
    // A flat series still gets an axis around its value.
    const flat = niceTicks(5, 5)
    expect(flat[0]).toBeLessThan(5)
    expect(flat.at(-1)).toBeGreaterThan(5)
  })

  it('puts clock-aligned time ticks inside the range, at most six', () => {
    expect(timeTicks(1_000_000, 1_000_900)).toEqual([1_000_200, 1_000_500, 1_000_800])
    const hour = timeTicks(1_000_000, 1_003_600)
    expect(hour.length).toBeLessThanOrEqual(6)
    expect(hour.every((t) => t % 600 === 0 && t >= 1_000_000 && t <= 1_003_600)).toBe(true)
  })

  it('formats values compactly', () => {
    expect([
      formatValue(0),
      formatValue(3.14159),
      formatValue(1234),
      formatValue(2_500_000),
      formatValue(0.0002),
      formatValue(null),
    ]).toEqual(['0', '3.14', '1.23k', '2.5M', '2.0e-4', '–'])
  })

  it('finds the latest value past trailing gaps', () => {
    expect(
      latestValue({
        labels: {},
        points: [
          [1, 2],
          [2, 3],
          [3, null],
        ],
      }),
    ).toBe(3)
    expect(latestValue({ labels: {}, points: [] })).toBeNull()
  })

  it('names series by the labels that differ between them', () => {
    const byProvider = [
      { labels: { __name__: 'helixagent_provider_score', job: 'helixagent', provider: 'alpha' }, points: [] },
      { labels: { __name__: 'helixagent_provider_score', job: 'helixagent', provider: 'beta' }, points: [] },
    ]
    expect(legendNames(byProvider)).toEqual(['{provider="alpha"}', '{provider="beta"}'])
    expect(legendNames([{ labels: {}, points: [] }])).toEqual(['value'])
    expect(legendNames([{ labels: { __name__: 'up', job: 'x' }, points: [] }])).toEqual(['{job="x"}'])
  })
})

import { describe, expect, it } from 'vitest'
import { mergeRanges, totalWatchedSeconds, watchedPercent } from './watched-ranges'

describe('mergeRanges', () => {
  it('joins overlapping ranges', () => {
    expect(
      mergeRanges([
        [0, 10],
        [5, 15],
      ]),
    ).toEqual([[0, 15]])
  })

  it('joins touching ranges and keeps gaps', () => {
    expect(
      mergeRanges([
        [0, 10],
        [10, 20],
        [25, 30],
      ]),
    ).toEqual([
      [0, 20],
      [25, 30],
    ])
  })

  it('sorts unsorted input and swallows contained ranges', () => {
    expect(
      mergeRanges([
        [40, 50],
        [0, 5],
        [42, 44],
        [3, 8],
      ]),
    ).toEqual([
      [0, 8],
      [40, 50],
    ])
  })

  it('clamps to [0, duration] and drops what falls outside', () => {
    expect(
      mergeRanges(
        [
          [-5, 3],
          [28, 35],
          [40, 50],
        ],
        30,
      ),
    ).toEqual([
      [0, 3],
      [28, 30],
    ])
  })

  it('drops empty, inverted and non-finite ranges', () => {
    expect(
      mergeRanges([
        [5, 5],
        [9, 2],
        [Number.NaN, 4],
        [1, Infinity],
        [6, 7],
      ]),
    ).toEqual([[6, 7]])
  })

  it('does not modify its input', () => {
    const input: [number, number][] = [
      [5, 9],
      [0, 6],
    ]
    mergeRanges(input)
    expect(input).toEqual([
      [5, 9],
      [0, 6],
    ])
  })
})

describe('totalWatchedSeconds and watchedPercent', () => {
  it('counts overlapping time once', () => {
    expect(
      totalWatchedSeconds([
        [0, 10],
        [5, 15],
        [20, 21],
      ]),
    ).toBe(16)
  })

  it('rounds the percentage down and caps it at 100', () => {
    expect(watchedPercent([[0, 29.9]], 30)).toBe(99)
    expect(watchedPercent([[0, 30]], 30)).toBe(100)
    expect(watchedPercent([[0, 60]], 30)).toBe(100)
    expect(watchedPercent([[0, 6]], 30)).toBe(20)
  })

  it('is 0 while the duration is unknown', () => {
    expect(watchedPercent([[0, 10]], null)).toBe(0)
    expect(watchedPercent([[0, 10]], Number.NaN)).toBe(0)
  })
})

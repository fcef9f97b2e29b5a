import { describe, expect, it } from 'vitest'
import { PlayTracker } from './play-tracker'

const playing = { playing: true, rate: 1 }

function playThrough(tracker: PlayTracker, from: number, to: number, step = 0.25, rate = 1) {
  tracker.start(from)
  for (let t = from + step; t <= to + 1e-9; t += step)
    tracker.tick(Math.round(t * 1000) / 1000, { playing: true, rate })
}

describe('PlayTracker', () => {
  it('counts time played through timeupdate ticks', () => {
    const tracker = new PlayTracker()
    playThrough(tracker, 0, 6)
    expect(tracker.watchedRanges()).toEqual([[0, 6]])
    expect(tracker.takePending()).toEqual([[0, 6]])
    expect(tracker.takePending()).toEqual([])
  })

  it('does not count a seek: the jump is not bridged, even when the next step looks small', () => {
    const tracker = new PlayTracker()
    playThrough(tracker, 0, 5)
    tracker.seek()
    tracker.tick(6, playing) // first tick after the seek only re-anchors
    tracker.tick(6.25, playing)
    expect(tracker.watchedRanges()).toEqual([
      [0, 5],
      [6, 6.25],
    ])
  })

  it('does not count a jump larger than playback could make, even without a seek event', () => {
    const tracker = new PlayTracker()
    playThrough(tracker, 0, 5)
    tracker.tick(25, playing)
    tracker.tick(25.25, playing)
    expect(tracker.watchedRanges()).toEqual([
      [0, 5],
      [25, 25.25],
    ])
  })

  it('allows larger steps at higher playback rates', () => {
    const tracker = new PlayTracker()
    tracker.start(0)
    expect(tracker.tick(3.5, { playing: true, rate: 2 })).toBe(true)
    expect(tracker.tick(7.5, { playing: true, rate: 1 })).toBe(false)
  })

  it('ignores backwards steps and ticks while paused', () => {
    const tracker = new PlayTracker()
    tracker.start(10)
    expect(tracker.tick(9, playing)).toBe(false)
    expect(tracker.tick(9.5, { playing: false, rate: 1 })).toBe(false)
    expect(tracker.tick(10, playing)).toBe(false)
    expect(tracker.watchedRanges()).toEqual([])
  })

  it('starts from the ranges already stored and re-queues failed sends', () => {
    const tracker = new PlayTracker([[0, 10]])
    playThrough(tracker, 10, 12)
    expect(tracker.watchedRanges()).toEqual([[0, 12]])
    const sent = tracker.takePending()
    expect(sent).toEqual([[10, 12]])
    playThrough(tracker, 20, 21)
    tracker.restorePending(sent)
    expect(tracker.takePending()).toEqual([
      [10, 12],
      [20, 21],
    ])
  })
})

// Counts the seconds of a recording that were actually played, from the media element's
// `timeupdate` ticks. Scrubbing must not count: a tick only adds the stretch since the previous
// tick when playback was running, no seek happened in between, and the step is one that normal
// playback can produce (browsers tick every ~250 ms; 2 s × playbackRate leaves room for a
// busy main thread but not for a jump).
import { mergeRanges, type WatchedRange } from '@/contracts/watched-ranges'

export class PlayTracker {
  private lastTime: number | null = null
  private watched: WatchedRange[]
  private pending: WatchedRange[] = []

  constructor(initialRanges: readonly WatchedRange[] = []) {
    this.watched = mergeRanges(initialRanges)
  }

  /** Playback (re)started at `time`: the next tick measures from here. */
  start(time: number): void {
    this.lastTime = time
  }

  /** A seek happened (or is about to): the next tick must not bridge it. */
  seek(): void {
    this.lastTime = null
  }

  /** Playback stopped: nothing is counted until it starts again. */
  stop(): void {
    this.lastTime = null
  }

  /**
   * A `timeupdate` at `time` while `playing` at `rate`. Returns true when it added watched time.
   */
  tick(time: number, { playing, rate }: { playing: boolean; rate: number }): boolean {
    const last = this.lastTime
    this.lastTime = playing ? time : null
    if (!playing || last === null) return false
    const delta = time - last
    if (!(delta > 0 && delta <= 2 * Math.max(rate, 0.1))) return false
    const range: WatchedRange = [last, time]
    this.watched = mergeRanges([...this.watched, range])
    this.pending = mergeRanges([...this.pending, range])
    return true
  }

  /** Everything watched so far, merged (what "watched N%" is computed from). */
  watchedRanges(): WatchedRange[] {
    return this.watched
  }

  /** Ranges not yet sent to the server; the caller sends them and owns them from now on. */
  takePending(): WatchedRange[] {
    const taken = this.pending
    this.pending = []
    return taken
  }

  /** Gives back ranges whose sending failed, to go out with the next report. */
  restorePending(ranges: readonly WatchedRange[]): void {
    this.pending = mergeRanges([...this.pending, ...ranges])
  }
}

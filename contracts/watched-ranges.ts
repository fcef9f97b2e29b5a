// Watched video time as a set of [start, end] second ranges. Pure arithmetic with no I/O and
// no secrets, so the player (a client component) shares it with the server: both must agree
// on what "watched N%" means. (Hence no `import 'server-only'` here.)

export type WatchedRange = readonly [start: number, end: number]

/**
 * The union of `ranges`, sorted, with overlapping and touching ranges joined, each clamped to
 * [0, duration] when a duration is given. Empty and inverted ranges are dropped.
 */
export function mergeRanges(ranges: readonly WatchedRange[], duration?: number): WatchedRange[] {
  const upper = duration !== undefined && Number.isFinite(duration) ? Math.max(0, duration) : Infinity
  const clamped = ranges
    .filter(([start, end]) => Number.isFinite(start) && Number.isFinite(end))
    .map(([start, end]): WatchedRange => [Math.max(0, start), Math.min(upper, end)])
    .filter(([start, end]) => end > start)
    .sort((a, b) => a[0] - b[0])

  const merged: [number, number][] = []
  for (const [start, end] of clamped) {
    const last = merged[merged.length - 1]
    // Touching ranges (one ends where the next starts) are one stretch of watching.
    if (last && start <= last[1]) last[1] = Math.max(last[1], end)
    else merged.push([start, end])
  }
  return merged
}

/** Total seconds covered by `ranges` (counted once where they overlap). */
export function totalWatchedSeconds(ranges: readonly WatchedRange[], duration?: number): number {
  return mergeRanges(ranges, duration).reduce((sum, [start, end]) => sum + (end - start), 0)
}

/** Whole percent of `duration` covered by `ranges`, 0..100; 0 when the duration is unknown. */
export function watchedPercent(ranges: readonly WatchedRange[], duration: number | null | undefined): number {
  if (!duration || !Number.isFinite(duration) || duration <= 0) return 0
  const percent = (totalWatchedSeconds(ranges, duration) / duration) * 100
  // Floor, so 99.6% is not shown as "100%" before the last second was really played.
  return Math.min(100, Math.max(0, Math.floor(percent + 1e-9)))
}

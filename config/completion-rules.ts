// When a lesson counts as complete for grading (docs/decisions/022). Shared by the server
// (the rule) and the lesson page (which explains it).
export const completionRules = {
  /** Minimum time on the page: one second per this many words (600 wpm is a fast skim). */
  wordsPerSecond: 10,
  minReadSeconds: 10,
  maxReadSeconds: 10 * 60,
  /** A read session older than this restarts on the next visit. */
  readSessionHours: 2,
  /** Share of the recording's real length that must have been played. */
  videoShare: 0.9,
  /** Fastest playback rate the player offers; played time beyond it is not believed. */
  maxPlaybackRate: 2,
  /** Allowance for reports that arrive late or in bursts (beacons, retries). */
  playSlackSeconds: 15,
} as const

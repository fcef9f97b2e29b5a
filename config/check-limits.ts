// Limits on lab checks (docs/decisions/023). Shared by the server (the rule) and the lab page.
export const checkLimits = {
  /** Checks of one step a learner may start within `windowSeconds`. */
  perStep: 5,
  windowSeconds: 120,
  /** Output kept per check run: the first `headBytes` and the rest from the end. */
  outputBytes: 8 * 1024,
  headBytes: 2 * 1024,
  /** A check's own timeout is at most 600 s; a lock older than this was left by a dead process. */
  lockSeconds: 600 + 60,
} as const

import 'server-only'
import type { QuizScore } from './types'

/** Score arithmetic in one place: pass when correct/total reaches passPercent, no rounding games. */
export function scoreOf(correct: number, total: number, passPercent: number): QuizScore {
  return {
    correct,
    total,
    percent: total === 0 ? 0 : Math.round((correct / total) * 100),
    passed: total > 0 && correct * 100 >= passPercent * total,
  }
}

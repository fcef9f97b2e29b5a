import type { QuizScore } from '@/server/quizzes/types'

/** "4 of 6 — 67%": shared by the server page and the client quiz, so it lives outside both. */
export function formatScore(score: QuizScore): string {
  return `${score.correct} of ${score.total} — ${score.percent}%`
}

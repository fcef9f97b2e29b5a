// Quiz shapes shared by the server modules and (as types only) by the quiz client component.
// The loader produces `Quiz`; only `PublicQuiz` may ever be handed to the browser.

export interface QuizQuestion {
  id: string
  prompt: string
  choices: string[]
  /** 0-based index into `choices`. Server only. */
  answer: number
  /** Shown after submission. Server only until graded. */
  explanation: string
}

export interface Quiz {
  /** "<courseSlug>/<moduleSlug>" */
  key: string
  title: string
  passPercent: number
  questions: QuizQuestion[]
}

export interface PublicQuizQuestion {
  id: string
  prompt: string
  choices: string[]
}

export interface PublicQuiz {
  key: string
  title: string
  passPercent: number
  questions: PublicQuizQuestion[]
}

/** The learner's picks: question id → chosen choice index. */
export type QuizAnswers = Record<string, number>

export interface QuestionResult {
  questionId: string
  chosen: number
  correct: boolean
  explanation: string
}

export interface QuizScore {
  correct: number
  total: number
  /** Rounded to a whole percent, for display. */
  percent: number
  passed: boolean
}

export type GradeResult =
  | ({ status: 'graded'; results: QuestionResult[] } & QuizScore)
  | { status: 'incomplete'; unanswered: string[] }
  | { status: 'invalid'; message: string }

export interface BestQuizScore extends QuizScore {
  attempts: number
  /** When the best attempt was made (the earliest one, if several tie). */
  achievedAt: string
}

export type QuizSubmission =
  | ({ status: 'graded'; results: QuestionResult[]; best: BestQuizScore } & QuizScore)
  | { status: 'incomplete'; unanswered: string[] }
  | { status: 'invalid'; message: string }

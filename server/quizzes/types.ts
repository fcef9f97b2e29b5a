// Quiz shapes shared by the server modules and (as types only) by the quiz client component.
// The loader produces `Quiz`; only the `Public*` shapes may ever be handed to the browser.

export interface QuizTopic {
  /** A lesson slug of the quiz's module. */
  lesson: string
  /** One of that lesson's h2/h3 headings, as written. */
  heading: string
}

export interface QuizQuestion {
  id: string
  prompt: string
  choices: string[]
  /** 0-based index into `choices`. Server only. */
  answer: number
  /** Server only until the learner's review is unlocked. */
  explanation: string
  topic: QuizTopic
}

export interface Quiz {
  /** "<courseSlug>/<moduleSlug>" */
  key: string
  title: string
  passPercent: number
  questionsPerAttempt: number
  /** The pool; each attempt draws `questionsPerAttempt` of them. */
  questions: QuizQuestion[]
}

/** The attempt policy in force for one learner and course (course default or cohort override). */
export interface QuizPolicy {
  maxAttempts: number
  cooldownMinutes: number
  /** Where it comes from, for the page: the course default or a cohort's override. */
  source: { kind: 'course' } | { kind: 'cohort'; cohortId: string; cohortName: string }
}

/** One drawn question as stored with the draw: the order its choices are shown in. */
export interface DrawnQuestion {
  questionId: string
  /** order[shownIndex] = index into the question's authored `choices`. */
  order: number[]
}

export interface PublicQuizQuestion {
  id: string
  prompt: string
  choices: string[]
}

/** One attempt's questions as the browser sees them: drawn, shuffled, no answer key. */
export interface PublicQuizAttempt {
  attemptId: string
  key: string
  title: string
  passPercent: number
  questions: PublicQuizQuestion[]
}

/** The learner's picks: question id → index of the choice as shown. */
export type QuizAnswers = Record<string, number>

export interface QuizScore {
  correct: number
  total: number
  /** Rounded to a whole percent, for display. */
  percent: number
  passed: boolean
}

export interface BestQuizScore extends QuizScore {
  attempts: number
  /** When the best attempt was made (the earliest one, if several tie). */
  achievedAt: string
}

/** A lesson section to re-read, with a link into the lesson. */
export interface ReviewTopic {
  lesson: string
  lessonTitle: string
  heading: string
  href: string
}

/** Where the learner stands with one quiz under the policy in force. */
export interface QuizStanding {
  policy: QuizPolicy
  attemptsUsed: number
  attemptsLeft: number
  passed: boolean
  /** Passed or out of attempts: the full review (answers and explanations) is open. */
  reviewUnlocked: boolean
  /** Set while a cool-down runs: when the next attempt may start. */
  nextAttemptAt: string | null
  /** Why no attempt can start now, in words for the learner; null when one can. */
  blockedReason: string | null
  best: BestQuizScore | null
}

/** Per question of one attempt, for the full review (learner after unlock, instructors always). */
export interface ReviewedQuestion {
  questionId: string
  prompt: string
  /** Choices in the order they were shown. */
  choices: string[]
  chosen: number
  answer: number
  correct: boolean
  explanation: string
  topic: ReviewTopic
}

export interface AttemptReview extends QuizScore {
  attemptId: string
  number: number
  submittedAt: string
  /** Null for attempts stored before draws existed (their choice order is unknown). */
  questions: ReviewedQuestion[] | null
}

export type QuizSubmission =
  | ({ status: 'graded'; attemptId: string; reviewTopics: ReviewTopic[]; standing: QuizStanding } & QuizScore)
  | { status: 'incomplete'; unanswered: string[] }
  | {
      status: 'refused'
      reason: 'locked' | 'invalid' | 'rate-limited'
      message: string
      retryAt: string | null
    }

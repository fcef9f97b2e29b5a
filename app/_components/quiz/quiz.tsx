'use client'

import { useRouter } from 'next/navigation'
import { useEffect, useRef, useState, useTransition } from 'react'
import { submitQuizAction } from '@/app/_actions/quiz'
import type { PublicQuizAttempt, QuizSubmission } from '@/server/quizzes/types'
import { formatScore } from './format-score'
import styles from './quiz.module.css'

type Graded = Extract<QuizSubmission, { status: 'graded' }>

/**
 * One attempt at a module knowledge check. It receives only the drawn questions with their
 * choices in this attempt's order (no answer key); grading happens in `submitQuizAction`, whose
 * reply holds the score and the topics to review, not which question was right.
 */
export function Quiz({ attempt }: { attempt: PublicQuizAttempt }) {
  const router = useRouter()
  // The result belongs to the draw it graded: once the page brings the next draw, the form shows again.
  const [result, setResult] = useState<{ drawId: string; graded: Graded } | null>(null)
  const graded = result?.drawId === attempt.attemptId ? result.graded : null
  const [refreshing, startRefresh] = useTransition()
  const scoreRef = useRef<HTMLDivElement>(null)

  // The score replaces the questions; bring it to the learner (and screen readers) at once.
  useEffect(() => {
    if (graded) scoreRef.current?.focus()
  }, [graded])

  if (!graded) {
    return (
      <AttemptForm
        key={attempt.attemptId}
        attempt={attempt}
        onGraded={(g) => setResult({ drawId: attempt.attemptId, graded: g })}
      />
    )
  }

  const { standing } = graded
  const canRetry = !standing.passed && standing.attemptsLeft > 0 && !standing.nextAttemptAt
  return (
    <div className={styles.quiz}>
      <div
        ref={scoreRef}
        tabIndex={-1}
        className={graded.passed ? `${styles.score} ${styles.passed}` : styles.score}
        role="status"
        data-testid="quiz-score"
      >
        <strong>
          {formatScore(graded)} · {graded.passed ? 'Passed' : 'Not passed yet'}
        </strong>
        <span>
          {graded.passed
            ? 'Well done. The review of every attempt, with answers and explanations, is now open.'
            : `You need ${attempt.passPercent}% to pass. ${attemptsLeftText(standing.attemptsLeft)}`}
        </span>
      </div>
      {graded.reviewTopics.length > 0 && <ReviewTopics topics={graded.reviewTopics} />}
      {standing.blockedReason && !standing.passed && (
        <p className="alert" data-testid="quiz-blocked">
          {standing.blockedReason}
        </p>
      )}
      <div className={styles.actions}>
        <button
          type="button"
          className="button primary"
          disabled={refreshing}
          onClick={() =>
            startRefresh(() => {
              router.refresh()
            })
          }
        >
          {canRetry
            ? `Start attempt ${standing.attemptsUsed + 1}`
            : standing.reviewUnlocked
              ? 'Show the review'
              : 'Back to the knowledge check'}
        </button>
      </div>
    </div>
  )
}

function attemptsLeftText(left: number): string {
  if (left === 0) return 'You have no attempts left; the review is now open.'
  return `You have ${left} ${left === 1 ? 'attempt' : 'attempts'} left. Re-read the topics below first.`
}

export function ReviewTopics({ topics }: { topics: Graded['reviewTopics'] }) {
  return (
    <section aria-labelledby="review-topics-heading" data-testid="quiz-topics">
      <h2 id="review-topics-heading">Topics to review</h2>
      <ul>
        {topics.map((t) => (
          <li key={t.href}>
            <a href={t.href}>
              {t.lessonTitle}: {t.heading}
            </a>
          </li>
        ))}
      </ul>
    </section>
  )
}

function AttemptForm({
  attempt,
  onGraded,
}: {
  attempt: PublicQuizAttempt
  onGraded: (graded: Graded) => void
}) {
  const [answers, setAnswers] = useState<Record<string, number>>({})
  const [unanswered, setUnanswered] = useState<readonly string[]>([])
  const [error, setError] = useState<string | null>(null)
  const [pending, startTransition] = useTransition()

  const submit = () => {
    setError(null)
    const missing = attempt.questions.filter((q) => answers[q.id] === undefined).map((q) => q.id)
    setUnanswered(missing)
    if (missing.length > 0) {
      setError(unansweredMessage(attempt, missing))
      return
    }
    startTransition(async () => {
      try {
        const result = await submitQuizAction(attempt.key, attempt.attemptId, answers)
        if (result.status === 'graded') onGraded(result)
        else if (result.status === 'incomplete') {
          setUnanswered(result.unanswered)
          setError(unansweredMessage(attempt, result.unanswered))
        } else setError(result.message)
      } catch {
        setError(
          'Could not reach the server, so your answers were not graded. Check your connection and submit again.',
        )
      }
    })
  }

  return (
    <form
      className={styles.quiz}
      aria-label={attempt.title}
      onSubmit={(event) => {
        event.preventDefault()
        submit()
      }}
      noValidate
    >
      <ol className={styles.questions}>
        {attempt.questions.map((question, index) => {
          const isMissing = unanswered.includes(question.id)
          return (
            <li key={question.id} className={styles.question} data-question={question.id}>
              <fieldset aria-describedby={isMissing ? `${question.id}-missing` : undefined}>
                <legend>
                  <span className={styles.number}>{index + 1}.</span> {question.prompt}
                </legend>
                {question.choices.map((choice, choiceIndex) => {
                  const chosen = answers[question.id] === choiceIndex
                  return (
                    <label key={choiceIndex} className={`${styles.choice} ${chosen ? styles.chosen : ''}`}>
                      <input
                        type="radio"
                        name={`${attempt.key}/${question.id}`}
                        value={choiceIndex}
                        checked={chosen}
                        disabled={pending}
                        onChange={() => {
                          setAnswers((a) => ({ ...a, [question.id]: choiceIndex }))
                          setUnanswered((u) => u.filter((id) => id !== question.id))
                        }}
                      />
                      <span>{choice}</span>
                    </label>
                  )
                })}
                {isMissing && (
                  <p id={`${question.id}-missing`} className={styles.missing}>
                    Choose an answer.
                  </p>
                )}
              </fieldset>
            </li>
          )
        })}
      </ol>

      {error && (
        <p role="alert" className="alert error">
          {error}
        </p>
      )}

      <div className={styles.actions}>
        <button type="submit" className="button primary" disabled={pending}>
          {pending ? 'Checking…' : 'Submit answers'}
        </button>
      </div>
    </form>
  )
}

function unansweredMessage(attempt: PublicQuizAttempt, missing: readonly string[]): string {
  const numbers = attempt.questions.flatMap((q, i) => (missing.includes(q.id) ? [String(i + 1)] : []))
  const list = numbers.length > 1 ? `${numbers.slice(0, -1).join(', ')} and ${numbers.at(-1)}` : numbers[0]
  return `Answer every question before submitting: question${numbers.length > 1 ? 's' : ''} ${list} ${numbers.length > 1 ? 'are' : 'is'} unanswered. Nothing was saved.`
}

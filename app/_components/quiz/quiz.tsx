'use client'

import { useEffect, useRef, useState, useTransition } from 'react'
import { submitQuizAction } from '@/app/_actions/quiz'
import type { BestQuizScore, PublicQuiz, QuestionResult, QuizScore } from '@/server/quizzes/types'
import styles from './quiz.module.css'

type Graded = QuizScore & { results: QuestionResult[]; best: BestQuizScore }

export function formatScore(score: QuizScore): string {
  return `${score.correct} of ${score.total} — ${score.percent}%`
}

/**
 * A module knowledge check. It receives the quiz without its answer key (`toPublicQuiz`);
 * grading, explanations and the stored attempt all come from `submitQuizAction`.
 */
export function Quiz({ quiz, best: initialBest }: { quiz: PublicQuiz; best: BestQuizScore | null }) {
  const [answers, setAnswers] = useState<Record<string, number>>({})
  const [graded, setGraded] = useState<Graded | null>(null)
  const [best, setBest] = useState(initialBest)
  const [unanswered, setUnanswered] = useState<readonly string[]>([])
  const [error, setError] = useState<string | null>(null)
  const [pending, startTransition] = useTransition()
  const scoreRef = useRef<HTMLDivElement>(null)

  // The score appears above the questions, out of view after a long quiz: bring it to the
  // learner (and to screen readers) as soon as it arrives.
  useEffect(() => {
    if (graded) scoreRef.current?.focus()
  }, [graded])

  const resultFor = (questionId: string) => graded?.results.find((r) => r.questionId === questionId)

  const submit = () => {
    setError(null)
    const missing = quiz.questions.filter((q) => answers[q.id] === undefined).map((q) => q.id)
    setUnanswered(missing)
    if (missing.length > 0) {
      setError(unansweredMessage(quiz, missing))
      return
    }
    startTransition(async () => {
      try {
        const result = await submitQuizAction(quiz.key, answers)
        if (result.status === 'graded') {
          setGraded(result)
          setBest(result.best)
        } else if (result.status === 'incomplete') {
          setUnanswered(result.unanswered)
          setError(unansweredMessage(quiz, result.unanswered))
        } else {
          setError(result.message)
        }
      } catch {
        setError('Could not reach the server, so your answers were not graded. Check your connection and submit again.')
      }
    })
  }

  const tryAgain = () => {
    setAnswers({})
    setGraded(null)
    setUnanswered([])
    setError(null)
  }

  return (
    <form
      className={styles.quiz}
      aria-label={quiz.title}
      onSubmit={(event) => {
        event.preventDefault()
        submit()
      }}
      noValidate
    >
      {best && (
        <p className="muted" data-testid="quiz-best">
          Your best so far: {formatScore(best)}
          {best.passed ? ' (passed)' : ''} · {best.attempts} {best.attempts === 1 ? 'attempt' : 'attempts'}
        </p>
      )}

      {graded && (
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
              ? 'Well done. Read the explanations below for anything you guessed.'
              : `You need ${quiz.passPercent}% to pass. Read the explanations, then try again.`}
          </span>
        </div>
      )}

      <ol className={styles.questions}>
        {quiz.questions.map((question, index) => {
          const result = resultFor(question.id)
          const isMissing = unanswered.includes(question.id)
          return (
            <li key={question.id} className={styles.question} data-question={question.id}>
              <fieldset aria-describedby={isMissing ? `${question.id}-missing` : undefined}>
                <legend>
                  <span className={styles.number}>{index + 1}.</span> {question.prompt}
                </legend>
                {question.choices.map((choice, choiceIndex) => {
                  const chosen = answers[question.id] === choiceIndex
                  const mark = result && chosen ? (result.correct ? styles.right : styles.wrong) : ''
                  return (
                    <label key={choiceIndex} className={`${styles.choice} ${chosen ? styles.chosen : ''} ${mark}`}>
                      <input
                        type="radio"
                        name={`${quiz.key}/${question.id}`}
                        value={choiceIndex}
                        checked={chosen}
                        disabled={Boolean(graded) || pending}
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
                {result && (
                  <div className={result.correct ? `${styles.feedback} ${styles.feedbackRight}` : `${styles.feedback} ${styles.feedbackWrong}`}>
                    <strong>{result.correct ? 'Correct.' : 'Incorrect.'}</strong> {result.explanation}
                  </div>
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
        {graded ? (
          <button type="button" className="button primary" onClick={tryAgain}>
            Try again
          </button>
        ) : (
          <button type="submit" className="button primary" disabled={pending}>
            {pending ? 'Checking…' : 'Submit answers'}
          </button>
        )}
      </div>
    </form>
  )
}

function unansweredMessage(quiz: PublicQuiz, missing: readonly string[]): string {
  const numbers = quiz.questions.flatMap((q, i) => (missing.includes(q.id) ? [String(i + 1)] : []))
  const list = numbers.length > 1 ? `${numbers.slice(0, -1).join(', ')} and ${numbers.at(-1)}` : numbers[0]
  return `Answer every question before submitting: question${numbers.length > 1 ? 's' : ''} ${list} ${numbers.length > 1 ? 'are' : 'is'} unanswered. Nothing was saved.`
}

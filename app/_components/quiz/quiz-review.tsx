import type { AttemptReview } from '@/server/quizzes/types'
import styles from './quiz.module.css'

const when = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`

/**
 * Every attempt with its questions as shown, the pick, the answer and the explanation. The
 * caller decides who may see it: the learner once passed or out of attempts, instructors always.
 */
export function QuizReview({ attempts }: { attempts: readonly AttemptReview[] }) {
  return (
    <div className={styles.review} data-testid="quiz-review">
      {attempts.map((attempt) => (
        <details key={attempt.attemptId} className="card" open={attempt.number === attempts.length}>
          <summary>
            Attempt {attempt.number}: {attempt.correct} of {attempt.total} — {attempt.percent}%{' '}
            {attempt.passed ? '(passed)' : '(not passed)'}{' '}
            <span className="muted">{when(attempt.submittedAt)}</span>
          </summary>
          {attempt.questions === null ? (
            <p className="muted">
              This attempt was made before questions were drawn per attempt; only its score was kept.
            </p>
          ) : (
            <ol className={styles.questions}>
              {attempt.questions.map((q) => (
                <li key={q.questionId} className={styles.question}>
                  <div
                    className={
                      q.correct
                        ? `${styles.feedback} ${styles.feedbackRight}`
                        : `${styles.feedback} ${styles.feedbackWrong}`
                    }
                  >
                    <p>
                      <strong>{q.correct ? 'Correct.' : 'Incorrect.'}</strong> {q.prompt}
                    </p>
                    <ul>
                      {q.choices.map((choice, i) => (
                        <li key={i}>
                          {choice}
                          {i === q.answer ? ' — correct answer' : ''}
                          {i === q.chosen ? ' — your choice' : ''}
                        </li>
                      ))}
                    </ul>
                    <p>{q.explanation}</p>
                    <p className="muted">
                      Review:{' '}
                      <a href={q.topic.href}>
                        {q.topic.lessonTitle}: {q.topic.heading}
                      </a>
                    </p>
                  </div>
                </li>
              ))}
            </ol>
          )}
        </details>
      ))}
    </div>
  )
}

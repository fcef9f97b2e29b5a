import type { Metadata } from 'next'
import Link from 'next/link'
import { loadLearnerGrade } from '@/server/grading/load-learner-grade'
import { QuizReview } from '@/app/_components/quiz/quiz-review'
import { loadLearnerActivity, type ActivityEvent } from '@/server/instructor/learner-activity'
import { loadLearnerQuizAttempts } from '@/server/quizzes/load-learner-quiz-attempts'
import { requireCohortInstructor } from '@/server/cohorts/cohort-access'
import { requireRole } from '@/server/session/current-user'
import { orPageError } from '../../../../_lib/app-errors'
import styles from '../../../../instructor.module.css'

export const metadata: Metadata = { title: 'Learner' }

const when = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`

function EventItem({ event }: { event: ActivityEvent }) {
  switch (event.kind) {
    case 'lesson':
      return (
        <li>
          <strong>Lesson</strong> {event.title} — {event.completed ? 'completed' : 'opened'}{' '}
          <span className="muted">{when(event.at)}</span>
        </li>
      )
    case 'quiz':
      return (
        <li className={event.passed ? styles.pass : styles.fail}>
          <strong>Quiz</strong> {event.title} — {event.correct}/{event.total}{' '}
          {event.passed ? 'passed' : 'not passed'} <span className="muted">{when(event.at)}</span>
        </li>
      )
    case 'lab-session':
      return (
        <li>
          <strong>Lab session</strong> {event.labSlug} — {event.status}
          {event.endedAt ? `, ended ${when(event.endedAt)}` : ''}{' '}
          <span className="muted">started {when(event.at)}</span>
        </li>
      )
    case 'check-run':
      return (
        <li className={event.passed ? styles.pass : styles.fail}>
          <strong>{event.runKind === 'solve' ? 'Solve' : 'Check'}</strong> {event.labSlug} / {event.stepId} —{' '}
          {event.passed ? 'PASS' : event.timedOut ? 'timed out' : 'FAIL'} in{' '}
          {(event.durationMs / 1000).toFixed(1)} s{event.exitCode !== null ? `, exit ${event.exitCode}` : ''}
          {event.byInstructor ? ' (run by an instructor)' : ''}{' '}
          <span className="muted">{when(event.at)}</span>
          {event.failMessages.length > 0 && (
            <ul>
              {event.failMessages.map((m, i) => (
                <li key={i}>
                  <code>FAIL: {m}</code>
                </li>
              ))}
            </ul>
          )}
          <details>
            <summary>Output</summary>
            <pre className={styles.output}>{event.output || '(no output)'}</pre>
          </details>
        </li>
      )
  }
}

export default async function LearnerPage({
  params,
}: {
  params: Promise<{ cohortId: string; userId: string }>
}) {
  const { cohortId, userId } = await params
  const actor = await requireRole(`/instructor/cohorts/${cohortId}/learners/${userId}`, [
    'instructor',
    'admin',
  ])
  const cohort = await orPageError(requireCohortInstructor({ actor, cohortId }))
  const [activity, grade, quizzes] = await orPageError(
    Promise.all([
      loadLearnerActivity({ actor, learnerId: userId }),
      loadLearnerGrade({ actor, userId, courseSlug: cohort.courseSlug }),
      loadLearnerQuizAttempts({ actor, cohortId, learnerId: userId }),
    ]),
  )
  return (
    <>
      <h2 data-testid="learner-name">{activity.learner.name}</h2>
      <p className="muted">{activity.learner.email}</p>
      <div className={`card ${styles.stats}`}>
        <div>
          <div className={styles.stat} data-testid="learner-grade">
            {grade.final}%
          </div>
          <div className="muted">current grade{grade.finalOverridden ? ' (hand-graded)' : ''}</div>
        </div>
        <div>
          <div className={styles.stat}>{grade.completion}%</div>
          <div className="muted">of items done</div>
        </div>
        <div>
          <div className={styles.stat}>{grade.categories.lessons ?? '–'}%</div>
          <div className="muted">lessons</div>
        </div>
        <div>
          <div className={styles.stat}>{grade.categories.quizzes ?? '–'}%</div>
          <div className="muted">quizzes</div>
        </div>
        <div>
          <div className={styles.stat}>
            {grade.categories.labs === null ? '–' : `${grade.categories.labs}%`}
          </div>
          <div className="muted">labs</div>
        </div>
      </div>

      <section className={styles.section} aria-labelledby="reports-heading">
        <h3 id="reports-heading">Incident reports</h3>
        {activity.incidentReports.length === 0 ? (
          <p className="muted">None submitted.</p>
        ) : (
          activity.incidentReports.map((r) => (
            <details key={r.id} className="card" style={{ marginBottom: '0.5rem' }}>
              <summary>
                <strong>{r.title}</strong> <span className="muted">updated {when(r.updatedAt)}</span>
              </summary>
              <dl>
                {Object.entries(typeof r.fields === 'object' && r.fields !== null ? r.fields : {}).map(
                  ([k, v]) => (
                    <div key={k}>
                      <dt>
                        <strong>{k}</strong>
                      </dt>
                      <dd style={{ whiteSpace: 'pre-wrap' }}>
                        {typeof v === 'string' ? v : JSON.stringify(v)}
                      </dd>
                    </div>
                  ),
                )}
              </dl>
            </details>
          ))
        )}
      </section>

      <section className={styles.section} aria-labelledby="quiz-attempts-heading" data-testid="quiz-attempts">
        <h3 id="quiz-attempts-heading">Quiz attempts</h3>
        {quizzes.every((q) => q.attempts.length === 0) ? (
          <p className="muted">No quiz attempts yet.</p>
        ) : (
          quizzes
            .filter((q) => q.attempts.length > 0)
            .map((q) => (
              <details key={q.quizKey} className="card" style={{ marginBottom: '0.5rem' }}>
                <summary>
                  <strong>{q.moduleTitle}</strong> — {q.standing.attemptsUsed} of{' '}
                  {q.standing.policy.maxAttempts} attempts
                  {q.standing.best ? `, best ${q.standing.best.correct}/${q.standing.best.total}` : ''}
                  {q.standing.passed
                    ? ' (passed)'
                    : q.standing.attemptsLeft === 0
                      ? ' (out of attempts)'
                      : ''}
                  {q.standing.nextAttemptAt
                    ? `, next attempt opens ${when(new Date(q.standing.nextAttemptAt))}`
                    : ''}
                </summary>
                <QuizReview attempts={q.attempts} />
              </details>
            ))
        )}
      </section>

      <section className={styles.section} aria-labelledby="timeline-heading">
        <h3 id="timeline-heading">Activity</h3>
        {activity.events.length === 0 ? (
          <p className="muted">No activity yet.</p>
        ) : (
          <ol className={styles.timeline} data-testid="timeline">
            {activity.events.map((e, i) => (
              <EventItem key={i} event={e} />
            ))}
          </ol>
        )}
      </section>
      <p>
        <Link href={`/instructor/cohorts/${cohortId}`}>← Back to the progress matrix</Link>
      </p>
    </>
  )
}

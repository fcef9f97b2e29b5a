import Link from 'next/link'
import { issueCertificateIfComplete } from '@/server/certificates/certificates'
import { listJoinedCohorts } from '@/server/cohorts/list-cohorts'
import { listCourses } from '@/server/content/catalog'
import { loadLearnerGrade } from '@/server/grading/load-learner-grade'
import { listLabOverview } from '@/server/labs/list-lab-overview'
import type { CurrentUser } from '@/server/session/current-user'

/** "Your cohorts" and "Your grade": only the learner's own data, never other learners'. */
export async function CohortsAndGrades({ user, justJoined }: { user: CurrentUser; justJoined?: string }) {
  const [cohorts, courses, labs] = await Promise.all([
    listJoinedCohorts({ user }),
    listCourses(),
    listLabOverview({ userId: user.id }),
  ])
  // Every course counts toward a grade and a certificate, in a cohort or not.
  const courseSlugs = courses.map((c) => c.slug)
  const grades = await Promise.all(
    courseSlugs.map(async (courseSlug) => {
      const [grade, certificate] = await Promise.all([
        loadLearnerGrade({ actor: user, userId: user.id, courseSlug }),
        issueCertificateIfComplete({ user, courseSlug }),
      ])
      return {
        courseSlug,
        title: courses.find((c) => c.slug === courseSlug)?.title ?? courseSlug,
        grade,
        certificate,
      }
    }),
  )
  const joined = cohorts.find((c) => c.id === justJoined)
  return (
    <section className="card" aria-labelledby="your-cohorts" style={{ marginTop: '1.5rem' }}>
      {joined && (
        <p role="status" className="alert info">
          You joined {joined.name}.
        </p>
      )}
      <h2 id="your-cohorts">Your cohorts</h2>
      {cohorts.length === 0 ? (
        <p className="muted">
          You are not in a cohort. Got an invite code? <Link href="/join">Join a cohort</Link>.
        </p>
      ) : (
        <ul data-testid="your-cohorts">
          {cohorts.map((c) => (
            <li key={c.id}>
              {c.name} <span className="muted">since {c.joinedAt.toISOString().slice(0, 10)}</span>
            </li>
          ))}
        </ul>
      )}
      <h2 id="your-grade">Your grade</h2>
      {grades.map(({ courseSlug, title, grade, certificate }) => (
        <div key={courseSlug} data-testid="your-grade">
          <p>
            <Link href={`/courses/${courseSlug}`}>{title}</Link>: <strong>{grade.final}%</strong>{' '}
            <span className="muted">
              ({grade.completion}% of items done · lessons {grade.categories.lessons ?? '–'}%, quizzes{' '}
              {grade.categories.quizzes ?? '–'}%
              {grade.categories.labs !== null ? `, labs ${grade.categories.labs}%` : ''})
            </span>
          </p>
          {certificate.status === 'incomplete' ? (
            <p className="muted">{certificate.remaining} items to go before your certificate.</p>
          ) : (
            <p>
              <Link className="button primary" href={`/certificates/${certificate.id}`}>
                View your certificate
              </Link>
            </p>
          )}
        </div>
      ))}
      {/* The grade folds all labs into one percentage; each lab's own points show here too. */}
      {labs.length > 0 && (
        <ul data-testid="your-lab-points">
          {labs.map((lab) => (
            <li key={lab.slug}>
              <Link href={`/labs/${lab.slug}`}>{lab.title}</Link>: {lab.pointsEarned} of {lab.totalPoints}{' '}
              points{' '}
              <span className="muted">
                ({lab.stepsPassed}/{lab.stepCount} steps)
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}

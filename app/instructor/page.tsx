import type { Metadata } from 'next'
import Link from 'next/link'
import { listTaughtCohorts } from '@/server/cohorts/list-cohorts'
import { listCourses } from '@/server/content/catalog'
import { requireRole } from '@/server/session/current-user'
import { createCohortAction } from './actions'
import { ActionForm } from './_components/action-form'
import styles from './instructor.module.css'

export const metadata: Metadata = { title: 'Instructor' }

export default async function InstructorPage() {
  const user = await requireRole('/instructor', ['instructor', 'admin'])
  const [cohorts, courses] = await Promise.all([listTaughtCohorts({ actor: user }), listCourses()])
  const courseTitle = new Map(courses.map((c) => [c.slug, c.title]))
  return (
    <>
      <h1>Instructor</h1>
      <p className="muted">
        Signed in as {user.name}. {user.role === 'admin' ? 'As an admin you see every cohort.' : ''}{' '}
        <Link href="/instructor/tokens">Grading API tokens</Link>
        {user.role === 'admin' && (
          <>
            {' · '}
            <Link href="/instructor/audit">Audit log</Link>
          </>
        )}
      </p>
      <section className="card" aria-labelledby="cohorts-heading">
        <h2 id="cohorts-heading">Your cohorts</h2>
        {cohorts.length === 0 ? (
          <p className="muted">
            You have no cohorts yet. Create one below, then invite learners with a link or a code.
          </p>
        ) : (
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Cohort</th>
                <th scope="col">Course</th>
                <th scope="col">Learners</th>
                <th scope="col">Instructors</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {cohorts.map((c) => (
                <tr key={c.id}>
                  <td>
                    <Link href={`/instructor/cohorts/${c.id}`}>{c.name}</Link>
                    {c.archivedAt && <span className="pill"> archived</span>}
                  </td>
                  <td>{courseTitle.get(c.courseSlug) ?? c.courseSlug}</td>
                  <td>{c.learners}</td>
                  <td>{c.instructors.join(', ')}</td>
                  <td>{c.createdAt.toISOString().slice(0, 10)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="card" aria-labelledby="new-cohort-heading" style={{ marginTop: '1.5rem' }}>
        <h2 id="new-cohort-heading">New cohort</h2>
        <ActionForm action={createCohortAction} submitLabel="Create cohort" className={styles.inlineForm}>
          <label>
            Cohort name
            <input name="name" required maxLength={120} placeholder="e.g. Spring 2027 on-call" />
          </label>
          <label>
            Course
            <select name="courseSlug" required defaultValue={courses[0]?.slug}>
              {courses.map((c) => (
                <option key={c.slug} value={c.slug}>
                  {c.title}
                </option>
              ))}
            </select>
          </label>
        </ActionForm>
      </section>
    </>
  )
}

import type { Metadata } from 'next'
import Link from 'next/link'
import { listCourses } from '@/server/content/catalog'
import { getContinueItem, getCourseProgress } from '@/server/progress/course-progress'
import { requireUser } from '@/server/session/current-user'
import { CohortsAndGrades } from './cohorts-and-grades'

export const metadata: Metadata = { title: 'Dashboard' }

export default async function DashboardPage({
  searchParams,
}: {
  searchParams: Promise<{ joined?: string }>
}) {
  const user = await requireUser('/dashboard')
  const { joined } = await searchParams
  const courses = await listCourses()
  const [resume, progress] = await Promise.all([
    getContinueItem({ userId: user.id, courses }),
    Promise.all(
      courses.map(async (course) => ({
        course,
        progress: await getCourseProgress({ userId: user.id, course }),
      })),
    ),
  ])
  return (
    <>
      <h1>Welcome, {user.name}</h1>
      <p className="muted">
        Signed in as {user.email} · {user.role}
      </p>
      <section className="card" aria-labelledby="continue" style={{ marginBottom: '1.5rem' }}>
        <h2 id="continue">Continue where you left off</h2>
        {resume ? (
          <p>
            <Link
              className="button primary"
              href={`/courses/${resume.courseSlug}/${resume.lessonSlug}`}
              data-testid="continue-link"
            >
              {resume.lessonTitle}
            </Link>{' '}
            <span className="muted">
              {resume.courseTitle} · {resume.moduleTitle}
              {resume.completed ? ' · completed' : ''}
            </span>
          </p>
        ) : (
          <p className="muted">
            You have not opened a lesson yet. <Link href="/courses">Browse the courses</Link> to start.
          </p>
        )}
      </section>
      <h2>Your courses</h2>
      <div className="grid">
        {progress.map(({ course, progress: p }) => (
          <article key={course.slug} className="card">
            <h3 style={{ marginTop: 0 }}>
              <Link href={`/courses/${course.slug}`}>{course.title}</Link>
            </h3>
            <p className="muted">
              {p.percent}% complete · {p.modules.reduce((n, m) => n + m.lessonsDone, 0)}/
              {course.lessons.length} lessons · {p.modules.filter((m) => m.quizPassed).length}/
              {course.modules.length} quizzes passed
            </p>
          </article>
        ))}
      </div>
      <CohortsAndGrades user={user} justJoined={typeof joined === 'string' ? joined : undefined} />
    </>
  )
}

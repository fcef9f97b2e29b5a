import type { Metadata } from 'next'
import Link from 'next/link'
import { notFound } from 'next/navigation'
import { MdxContent } from '@/app/_components/mdx/mdx-content'
import styles from '@/app/courses/_components/course.module.css'
import { getCourse } from '@/server/content/catalog'
import { compileMdx } from '@/server/content/compile-mdx'
import { getCourseProgress } from '@/server/progress/course-progress'
import { getCurrentUser } from '@/server/session/current-user'

type Params = { params: Promise<{ course: string }> }

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const course = await getCourse((await params).course)
  return { title: course?.title ?? 'Course not found', description: course?.summary }
}

export default async function CoursePage({ params }: Params) {
  const course = await getCourse((await params).course)
  if (!course) notFound()
  const user = await getCurrentUser()
  const [progress, overview] = await Promise.all([
    user ? getCourseProgress({ userId: user.id, course }) : null,
    compileMdx(course.source, `content/courses/${course.slug}/course.mdx`),
  ])
  const first = course.lessons[0]!
  return (
    <>
      <div className={styles.breadcrumb}>
        <Link href="/courses">Courses</Link>
      </div>
      <h1>{course.title}</h1>
      <div className={styles.meta}>
        <span className="pill">{course.level}</span>
        <span className="pill">{Math.round(course.durationMinutes / 60)} hours</span>
        <span className="pill">Prerequisites: {course.prerequisites.join(', ')}</span>
        {(user?.role === 'author' || user?.role === 'admin') && (
          <Link className="pill" href={`/courses/${course.slug}/media`}>
            Manage media
          </Link>
        )}
      </div>
      {progress ? (
        <section className="card" aria-label="Your progress" style={{ marginBottom: '1.5rem' }}>
          <strong data-testid="course-percent">{progress.percent}% complete</strong>
          <div
            className={styles.progressBar}
            role="progressbar"
            aria-valuenow={progress.percent}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-label="Course progress"
          >
            <span style={{ width: `${progress.percent}%` }} />
          </div>
        </section>
      ) : (
        <p className="alert info">
          <Link href={`/sign-in?next=/courses/${course.slug}`}>Sign in</Link> to track your progress, take the
          knowledge checks and start the labs.
        </p>
      )}
      <p>
        <Link className="button primary" href={`/courses/${course.slug}/${first.slug}`}>
          {progress && progress.percent > 0 ? 'Continue the course' : 'Start the course'}
        </Link>
      </p>
      <MdxContent code={overview.code} />
      <h2>What you will be able to do</h2>
      <ul>
        {course.outcomes.map((o) => (
          <li key={o}>{o}</li>
        ))}
      </ul>
      <h2>Modules</h2>
      <div className={styles.modules}>
        {course.modules.map((m) => {
          const mp = progress?.modules.find((p) => p.slug === m.slug)
          const minutes = m.lessons.reduce((n, l) => n + l.durationMinutes, 0)
          return (
            <section
              key={m.slug}
              className={`card ${styles.moduleCard}`}
              aria-labelledby={`module-${m.slug}`}
            >
              <div className={styles.moduleHead}>
                <h3 id={`module-${m.slug}`} style={{ margin: 0 }}>
                  Module {m.order}: {m.title}
                </h3>
                <span className="muted">
                  {minutes} min{mp ? ` · ${mp.lessonsDone}/${mp.lessonsTotal} lessons` : ''}
                </span>
              </div>
              <p className="muted" style={{ margin: 0 }}>
                {m.summary}
              </p>
              {mp && (
                <div className={styles.progressBar} aria-hidden="true">
                  <span style={{ width: `${Math.round((mp.lessonsDone / mp.lessonsTotal) * 100)}%` }} />
                </div>
              )}
              <ol>
                {m.lessons.map((l) => (
                  <li key={l.slug}>
                    <Link href={`/courses/${course.slug}/${l.slug}`}>{l.title}</Link>{' '}
                    <span className="muted">· {l.durationMinutes} min</span>
                    {progress?.lessons[l.key]?.completed && (
                      <span className={styles.statusDone}> · ✓ done</span>
                    )}
                  </li>
                ))}
              </ol>
              <div>
                <Link href={`/courses/${course.slug}/quiz/${m.slug}`}>Knowledge check</Link>
                {mp?.quizBestPercent != null && (
                  <span className={mp.quizPassed ? styles.statusDone : 'muted'}>
                    {' '}
                    · best {mp.quizBestPercent}%
                  </span>
                )}
              </div>
            </section>
          )
        })}
      </div>
      <h2>More</h2>
      <ul>
        {course.pages.map((p) => (
          <li key={p.slug}>
            <Link href={`/courses/${course.slug}/pages/${p.slug}`}>{p.title}</Link>
          </li>
        ))}
        <li>
          <Link href="/runbooks">Runbooks and templates</Link>
        </li>
      </ul>
    </>
  )
}

import type { Metadata } from 'next'
import Link from 'next/link'
import { listCourses } from '@/server/content/catalog'

export const metadata: Metadata = { title: 'Courses' }

export default async function CatalogPage() {
  const courses = await listCourses()
  return (
    <>
      <h1>Courses</h1>
      <div className="grid">
        {courses.map((c) => (
          <article key={c.slug} className="card">
            <span className="pill">{c.level}</span>{' '}
            <span className="pill">{Math.round(c.durationMinutes / 60)} hours</span>
            <h2>
              <Link href={`/courses/${c.slug}`}>{c.title}</Link>
            </h2>
            <p className="muted">{c.summary}</p>
            <p className="muted">
              {c.modules.length} modules · {c.lessons.length} lessons · 4 hands-on labs
            </p>
          </article>
        ))}
      </div>
    </>
  )
}

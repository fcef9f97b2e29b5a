import type { Metadata } from 'next'
import Link from 'next/link'
import { notFound } from 'next/navigation'
import { MdxContent } from '@/app/_components/mdx/mdx-content'
import { CourseNav } from '@/app/courses/_components/course-nav'
import styles from '@/app/courses/_components/course.module.css'
import { TableOfContents } from '@/app/courses/_components/table-of-contents'
import { getCourse } from '@/server/content/catalog'
import { compileMdx } from '@/server/content/compile-mdx'
import { getCourseProgress } from '@/server/progress/course-progress'
import { getCurrentUser } from '@/server/session/current-user'

type Params = { params: Promise<{ course: string; page: string }> }

async function load(params: Params['params']) {
  const { course: courseSlug, page: pageSlug } = await params
  const course = await getCourse(courseSlug)
  const page = course?.pages.find((p) => p.slug === pageSlug)
  return course && page ? { course, page } : undefined
}

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const found = await load(params)
  return { title: found ? `${found.page.title} — ${found.course.title}` : 'Page not found' }
}

export default async function CourseExtraPage({ params }: Params) {
  const found = await load(params)
  if (!found) notFound()
  const { course, page } = found
  const user = await getCurrentUser()
  const [compiled, progress] = await Promise.all([
    compileMdx(page.source, page.file),
    user ? getCourseProgress({ userId: user.id, course }) : null,
  ])
  return (
    <div className={styles.layout}>
      <aside className={styles.sidebar}>
        <CourseNav course={course} progress={progress} />
      </aside>
      <article>
        <div className={styles.breadcrumb}>
          <Link href={`/courses/${course.slug}`}>{course.title}</Link>
        </div>
        <h1>{page.title}</h1>
        <MdxContent code={compiled.code} />
      </article>
      <TableOfContents headings={compiled.headings} />
    </div>
  )
}

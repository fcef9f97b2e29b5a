import type { Metadata } from 'next'
import Link from 'next/link'
import { notFound } from 'next/navigation'
import { RunbookLearnerState } from '@/app/_components/checklist/runbook-learner-state'
import { MdxContent } from '@/app/_components/mdx/mdx-content'
import styles from '@/app/courses/_components/course.module.css'
import { TableOfContents } from '@/app/courses/_components/table-of-contents'
import { getCourse, getRunbook } from '@/server/content/catalog'
import { compileMdx } from '@/server/content/compile-mdx'
import { getCurrentUser } from '@/server/session/current-user'

type Params = { params: Promise<{ slug: string }> }

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const runbook = await getRunbook((await params).slug)
  return { title: runbook?.title ?? 'Runbook not found', description: runbook?.summary }
}

export default async function RunbookPage({ params }: Params) {
  const runbook = await getRunbook((await params).slug)
  if (!runbook) notFound()
  const user = await getCurrentUser()
  const [compiled, course] = await Promise.all([
    compileMdx(runbook.source, runbook.file),
    getCourse('production-operations'),
  ])
  const related = runbook.relatedLessons
    .map((slug) => course?.lessons.find((l) => l.slug === slug))
    .filter((l) => l !== undefined)
  return (
    <div className={`${styles.layout}`} style={{ gridTemplateColumns: 'minmax(0, 1fr) 220px' }}>
      <article>
        <div className={styles.breadcrumb}>
          <Link href="/runbooks">Runbooks and templates</Link>
        </div>
        <h1>{runbook.title}</h1>
        <p className="muted">{runbook.summary}</p>
        {!user && (
          <p className="alert info">
            <Link href={`/sign-in?next=/runbooks/${runbook.slug}`}>Sign in</Link> to save your checklist ticks
            and reports.
          </p>
        )}
        <RunbookLearnerState slug={runbook.slug}>
          <MdxContent code={compiled.code} />
        </RunbookLearnerState>
        {related.length > 0 && course && (
          <footer className={styles.lessonFooter}>
            <div>
              <strong>Related lessons: </strong>
              {related.map((l, i) => (
                <span key={l.slug}>
                  {i > 0 && ' · '}
                  <Link href={`/courses/${course.slug}/${l.slug}`}>{l.title}</Link>
                </span>
              ))}
            </div>
          </footer>
        )}
      </article>
      <TableOfContents headings={compiled.headings} />
    </div>
  )
}

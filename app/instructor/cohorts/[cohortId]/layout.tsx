import Link from 'next/link'
import type { ReactNode } from 'react'
import { requireCohortInstructor } from '@/server/cohorts/cohort-access'
import { getCourse } from '@/server/content/catalog'
import { requireRole } from '@/server/session/current-user'
import { orPageError } from '../../_lib/app-errors'
import { CohortTabs } from './cohort-tabs'

export default async function CohortLayout({
  children,
  params,
}: {
  children: ReactNode
  params: Promise<{ cohortId: string }>
}) {
  const { cohortId } = await params
  const actor = await requireRole(`/instructor/cohorts/${cohortId}`, ['instructor', 'admin'])
  const cohort = await orPageError(requireCohortInstructor({ actor, cohortId }))
  const course = await getCourse(cohort.courseSlug)
  return (
    <>
      <p className="muted" style={{ marginBottom: 0 }}>
        <Link href="/instructor">Instructor</Link> › Cohort
      </p>
      <h1 style={{ marginTop: '0.25rem' }} data-testid="cohort-name">
        {cohort.name}
      </h1>
      <p className="muted">{course?.title ?? cohort.courseSlug}</p>
      <CohortTabs cohortId={cohort.id} />
      {children}
    </>
  )
}

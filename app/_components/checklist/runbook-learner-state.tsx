import type { ReactNode } from 'react'
import { IncidentReportStateProvider } from '@/app/_components/incident-report/incident-report-state'
import { getChecklistState } from '@/server/checklists/get-checklist-state'
import { getLatestIncidentReport } from '@/server/incident-reports/get-latest-incident-report'
import { getCurrentUser } from '@/server/session/current-user'
import { ChecklistStateProvider } from './checklist-state'

/**
 * Server wrapper for a runbook page's rendered MDX: loads the learner's ticked steps and their
 * latest incident report draft, and hands them to the interactive MDX components via context.
 */
export async function RunbookLearnerState({ slug, children }: { slug: string; children: ReactNode }) {
  const user = await getCurrentUser()
  const pageKey = `runbooks/${slug}`
  const [checked, report] = user
    ? await Promise.all([
        getChecklistState({ userId: user.id, pageKey }),
        getLatestIncidentReport({ userId: user.id }),
      ])
    : [[], null]
  return (
    <ChecklistStateProvider pageKey={pageKey} initial={checked} signedIn={Boolean(user)}>
      <IncidentReportStateProvider initial={report} signedIn={Boolean(user)}>
        {children}
      </IncidentReportStateProvider>
    </ChecklistStateProvider>
  )
}

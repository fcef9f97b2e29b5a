import type { Metadata } from 'next'
import { loadLabAnalytics } from '@/server/instructor/lab-analytics'
import { requireRole } from '@/server/session/current-user'
import { orPageError } from '../../../_lib/app-errors'

export const metadata: Metadata = { title: 'Lab analytics' }

export default async function LabAnalyticsPage({ params }: { params: Promise<{ cohortId: string }> }) {
  const { cohortId } = await params
  const actor = await requireRole(`/instructor/cohorts/${cohortId}/analytics`, ['instructor', 'admin'])
  const steps = await orPageError(loadLabAnalytics({ actor, cohortId }))
  return (
    <section aria-labelledby="analytics-heading">
      <h2 id="analytics-heading">Where the cohort gets stuck</h2>
      {steps.length === 0 ? (
        <p className="card muted">
          No labs are installed yet. Once labs exist, each step shows its attempts, failure rate and most
          common FAIL: messages.
        </p>
      ) : (
        <table className="data" data-testid="lab-analytics">
          <thead>
            <tr>
              <th scope="col">Lab step</th>
              <th scope="col">Passed / tried</th>
              <th scope="col">Checks to pass (median)</th>
              <th scope="col">Failure rate</th>
              <th scope="col">Time to pass (median)</th>
              <th scope="col">Most common FAIL: messages</th>
            </tr>
          </thead>
          <tbody>
            {steps.map((s) => (
              <tr key={`${s.labSlug}/${s.stepId}`}>
                <td>
                  <strong>{s.labTitle}</strong>
                  <br />
                  {s.stepTitle}
                </td>
                <td>
                  {s.learnersPassed} / {s.learnersTried}
                </td>
                <td>{s.medianAttemptsToPass ?? '–'}</td>
                <td>{s.failureRate === null ? '–' : `${s.failureRate}% of ${s.checkRuns}`}</td>
                <td>{s.medianMinutesToPass === null ? '–' : `${s.medianMinutesToPass} min`}</td>
                <td>
                  {s.topFailMessages.length === 0 ? (
                    <span className="muted">none</span>
                  ) : (
                    <ol style={{ margin: 0, paddingLeft: '1.2rem' }}>
                      {s.topFailMessages.map((m) => (
                        <li key={m.message}>
                          <code>{m.message}</code> <span className="muted">×{m.count}</span>
                        </li>
                      ))}
                    </ol>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}

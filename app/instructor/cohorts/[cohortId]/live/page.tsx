import type { Metadata } from 'next'
import Link from 'next/link'
import { labsOfCourses, requireCohortInstructor } from '@/server/cohorts/cohort-access'
import { db } from '@/server/db'
import { listLiveSandboxes } from '@/server/instructor/live-labs'
import { listLabs } from '@/server/labs/list-labs'
import { listScheduledSessions } from '@/server/pools/scheduled-sessions'
import { ScheduledSessions } from './scheduled-sessions'
import { requireRole } from '@/server/session/current-user'
import { sandboxAction } from '../../../actions'
import { ActionForm } from '../../../_components/action-form'
import { orPageError } from '../../../_lib/app-errors'

export const metadata: Metadata = { title: 'Live labs' }

function timeLeft(expiresAt: Date | null, now: number): string {
  if (!expiresAt) return '–'
  const minutes = Math.round((expiresAt.getTime() - now) / 60_000)
  return minutes <= 0 ? 'expiring' : `${minutes} min`
}

export default async function LiveLabsPage({ params }: { params: Promise<{ cohortId: string }> }) {
  const { cohortId } = await params
  const actor = await requireRole(`/instructor/cohorts/${cohortId}/live`, ['instructor', 'admin'])
  const sandboxes = await orPageError(listLiveSandboxes({ actor, cohortId }))
  // One clock reading per request keeps every row consistent.
  const now = new Date().getTime()
  const cohort = await orPageError(requireCohortInstructor({ actor, cohortId }))
  const inCourse = await labsOfCourses([cohort.courseSlug])
  const labs = (await listLabs()).filter((l) => inCourse(l.slug))
  const sessions = await listScheduledSessions({ actor, cohortId, now: new Date(now) })
  const members = await db().cohortMember.count({ where: { cohortId, removedAt: null } })
  return (
    <>
      <ScheduledSessions
        cohortId={cohortId}
        sessions={sessions}
        labs={labs}
        defaultSeats={Math.max(1, members)}
      />
      <section aria-labelledby="live-heading">
        <h2 id="live-heading">Running sandboxes</h2>
        <p className="muted">
          As recorded by the platform when each lab started; reload for the latest. Watch shows the
          learner&apos;s terminal read-only (they are told). Extend, reset and end act on the learner&apos;s
          sandbox. All are logged in the audit log.
        </p>
        {sandboxes.length === 0 ? (
          <p className="card muted">No learner of this cohort has a lab running.</p>
        ) : (
          <table className="data" data-testid="live-labs">
            <thead>
              <tr>
                <th scope="col">Learner</th>
                <th scope="col">Lab</th>
                <th scope="col">Current step</th>
                <th scope="col">Status</th>
                <th scope="col">Time left</th>
                <th scope="col">
                  <span className="muted">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {sandboxes.map((s) => (
                <tr key={s.sessionId}>
                  <td>
                    <Link href={`/instructor/cohorts/${cohortId}/learners/${s.userId}`}>{s.learnerName}</Link>
                  </td>
                  <td>{s.labTitle}</td>
                  <td>{s.currentStep ?? 'all steps passed'}</td>
                  <td>{s.status}</td>
                  <td>{timeLeft(s.expiresAt, now)}</td>
                  <td style={{ display: 'flex', gap: '0.4rem', flexWrap: 'wrap' }}>
                    <Link
                      className="button small"
                      href={`/instructor/cohorts/${cohortId}/live/${s.sessionId}/watch`}
                      aria-label={`Watch ${s.learnerName}'s terminal`}
                    >
                      Watch
                    </Link>
                    {(['extend', 'reset', 'end'] as const).map((action) => (
                      <ActionForm
                        key={action}
                        action={sandboxAction}
                        submitLabel={action === 'extend' ? 'Extend' : action === 'reset' ? 'Reset' : 'End'}
                        submitClassName="button small"
                        confirm={
                          action === 'extend'
                            ? undefined
                            : `${action === 'reset' ? 'Reset' : 'End'} ${s.learnerName}'s sandbox? Passed steps are kept.`
                        }
                      >
                        <input type="hidden" name="cohortId" value={cohortId} />
                        <input type="hidden" name="userId" value={s.userId} />
                        <input type="hidden" name="labSlug" value={s.labSlug} />
                        <input type="hidden" name="action" value={action} />
                      </ActionForm>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  )
}

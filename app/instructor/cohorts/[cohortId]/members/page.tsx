import type { Metadata } from 'next'
import Link from 'next/link'
import { listInvites } from '@/server/cohorts/manage-invites'
import { listCohortInstructors, listMembers } from '@/server/cohorts/manage-members'
import { webConfig } from '@/server/config'
import { requireRole } from '@/server/session/current-user'
import {
  addInstructorAction,
  createInviteAction,
  removeMemberAction,
  revokeInviteAction,
} from '../../../actions'
import { ActionForm } from '../../../_components/action-form'
import { orPageError } from '../../../_lib/app-errors'
import styles from '../../../instructor.module.css'

export const metadata: Metadata = { title: 'Learners and invites' }

export default async function MembersPage({ params }: { params: Promise<{ cohortId: string }> }) {
  const { cohortId } = await params
  const actor = await requireRole(`/instructor/cohorts/${cohortId}/members`, ['instructor', 'admin'])
  const [members, invites, instructors] = await orPageError(
    Promise.all([
      listMembers({ actor, cohortId }),
      listInvites({ actor, cohortId }),
      listCohortInstructors({ actor, cohortId }),
    ]),
  )
  const base = webConfig().PUBLIC_URL.replace(/\/$/, '')
  return (
    <>
      <section className="card" aria-labelledby="invites-heading">
        <h2 id="invites-heading">Invites</h2>
        <p className="muted">
          Share the link, or the code for learners to enter at <code>{base}/join</code>. A learner can be in
          several cohorts.
        </p>
        <ActionForm action={createInviteAction} submitLabel="Create invite" className={styles.inlineForm}>
          <input type="hidden" name="cohortId" value={cohortId} />
          <label>
            Expires in (days)
            <input name="expiresInDays" type="number" min={1} max={365} defaultValue={14} required />
          </label>
          <label>
            Maximum uses <span className="field-hint">empty for no limit</span>
            <input name="maxUses" type="number" min={1} max={10000} />
          </label>
        </ActionForm>
        {invites.length > 0 && (
          <table className="data" style={{ marginTop: '1rem' }}>
            <thead>
              <tr>
                <th scope="col">Code</th>
                <th scope="col">Link</th>
                <th scope="col">Expires</th>
                <th scope="col">Uses</th>
                <th scope="col">State</th>
                <th scope="col">
                  <span className="muted">Action</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {invites.map((invite) => (
                <tr key={invite.id} data-testid="invite-row">
                  <td className={styles.code} data-testid="invite-code">
                    {invite.code}
                  </td>
                  <td>
                    <code data-testid="invite-link">{`${base}/join/${invite.code}`}</code>
                  </td>
                  <td>{invite.expiresAt.toISOString().slice(0, 16).replace('T', ' ')} UTC</td>
                  <td>
                    {invite.uses}
                    {invite.maxUses !== null ? ` / ${invite.maxUses}` : ''}
                  </td>
                  <td>
                    <span className="pill">{invite.state}</span>
                  </td>
                  <td>
                    {invite.state === 'active' && (
                      <ActionForm
                        action={revokeInviteAction}
                        submitLabel="Revoke"
                        submitClassName="button small"
                      >
                        <input type="hidden" name="inviteId" value={invite.id} />
                        <input type="hidden" name="cohortId" value={cohortId} />
                      </ActionForm>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section className={`card ${styles.section}`} aria-labelledby="members-heading">
        <h2 id="members-heading">Learners ({members.length})</h2>
        {members.length === 0 ? (
          <p className="muted">Nobody has joined yet.</p>
        ) : (
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Joined</th>
                <th scope="col">
                  <span className="muted">Action</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {members.map((m) => (
                <tr key={m.userId} data-testid="member-row">
                  <td>
                    <Link href={`/instructor/cohorts/${cohortId}/learners/${m.userId}`}>{m.name}</Link>
                  </td>
                  <td>{m.email}</td>
                  <td>{m.joinedAt.toISOString().slice(0, 10)}</td>
                  <td>
                    <ActionForm
                      action={removeMemberAction}
                      submitLabel={`Remove ${m.name}`}
                      submitClassName="button small"
                      confirm={`Remove ${m.name} from this cohort? Their progress is kept.`}
                    >
                      <input type="hidden" name="cohortId" value={cohortId} />
                      <input type="hidden" name="userId" value={m.userId} />
                    </ActionForm>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section className={`card ${styles.section}`} aria-labelledby="instructors-heading">
        <h2 id="instructors-heading">Instructors</h2>
        <ul>
          {instructors.map((i) => (
            <li key={i.userId}>
              {i.name} <span className="muted">{i.email}</span>
            </li>
          ))}
        </ul>
        {actor.role === 'admin' && (
          <ActionForm action={addInstructorAction} submitLabel="Add instructor" className={styles.inlineForm}>
            <input type="hidden" name="cohortId" value={cohortId} />
            <label>
              Instructor email
              <input name="email" type="email" required />
            </label>
          </ActionForm>
        )}
      </section>
    </>
  )
}

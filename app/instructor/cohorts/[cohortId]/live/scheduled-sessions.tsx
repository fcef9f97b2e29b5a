// Scheduled lab sessions of a cohort (issue 13): book "lab at T for S seats" and watch the
// session's warm pool: warmed, claimed, learners still starting cold.
import type { ScheduledSessionView } from '@/server/pools/scheduled-sessions'
import { cancelLabSessionAction, scheduleLabSessionAction } from '../../../actions'
import { ActionForm } from '../../../_components/action-form'

const utc = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`

const PHASE: Record<ScheduledSessionView['phase'], string> = {
  scheduled: 'scheduled (warms 10 min before)',
  warming: 'warming',
  running: 'running',
  over: 'over',
}

export function ScheduledSessions(props: {
  cohortId: string
  sessions: ScheduledSessionView[]
  labs: Array<{ slug: string; title: string }>
  defaultSeats: number
}) {
  const { cohortId, sessions, labs, defaultSeats } = props
  return (
    <section aria-labelledby="sessions-heading">
      <h2 id="sessions-heading">Scheduled lab sessions</h2>
      <p className="muted">
        From ten minutes before a session starts, sandboxes of its lab are started ahead of time, so the
        cohort&apos;s learners get a terminal at once when they press Start. Unclaimed sandboxes are released
        when the session ends.
      </p>
      {sessions.length === 0 ? (
        <p className="card muted">No session scheduled.</p>
      ) : (
        <table className="data" data-testid="scheduled-sessions">
          <thead>
            <tr>
              <th scope="col">Lab</th>
              <th scope="col">Starts</th>
              <th scope="col">Ends</th>
              <th scope="col">Seats</th>
              <th scope="col">Status</th>
              <th scope="col">Warmed</th>
              <th scope="col">Claimed</th>
              <th scope="col">Starting cold</th>
              <th scope="col">
                <span className="muted">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sessions.map((s) => (
              <tr key={s.id} data-session-phase={s.phase}>
                <td>{s.labTitle}</td>
                <td>{utc(s.startsAt)}</td>
                <td>{utc(s.endsAt)}</td>
                <td>{s.seats}</td>
                <td>{PHASE[s.phase]}</td>
                <td>
                  {s.pool
                    ? `${s.pool.ready} ready${s.pool.starting ? `, ${s.pool.starting} starting` : ''} (aim ${s.pool.target})`
                    : '–'}
                </td>
                <td>{s.pool?.claimed ?? '–'}</td>
                <td>{s.coldStarting}</td>
                <td>
                  {s.phase !== 'over' && (
                    <ActionForm
                      action={cancelLabSessionAction}
                      submitLabel="Cancel"
                      submitClassName="button small"
                      confirm="Cancel this session? Its warm sandboxes are released; running labs stay."
                    >
                      <input type="hidden" name="cohortId" value={cohortId} />
                      <input type="hidden" name="sessionId" value={s.id} />
                    </ActionForm>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {labs.length > 0 && (
        <ActionForm action={scheduleLabSessionAction} submitLabel="Schedule session" className="card">
          <input type="hidden" name="cohortId" value={cohortId} />
          <label>
            Lab{' '}
            <select name="labSlug" required>
              {labs.map((l) => (
                <option key={l.slug} value={l.slug}>
                  {l.title}
                </option>
              ))}
            </select>
          </label>{' '}
          <label>
            Starts (UTC) <input type="datetime-local" name="startsAt" required />
          </label>{' '}
          <label>
            Minutes <input type="number" name="durationMinutes" min={15} max={480} defaultValue={90} />
          </label>{' '}
          <label>
            Seats <input type="number" name="seats" min={1} max={200} defaultValue={defaultSeats} required />
          </label>
        </ActionForm>
      )}
    </section>
  )
}

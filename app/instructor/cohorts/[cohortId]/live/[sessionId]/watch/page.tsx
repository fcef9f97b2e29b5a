import type { Metadata } from 'next'
import Link from 'next/link'
import { AppError } from '@/server/errors'
import { getWatchTarget } from '@/server/labs/mint-watch-ticket'
import { requireRole } from '@/server/session/current-user'
import { orPageError } from '../../../../../_lib/app-errors'
import { WatchTerminal } from './watch-terminal'

export const metadata: Metadata = { title: 'Watch a terminal' }

export default async function WatchPage({
  params,
  searchParams,
}: {
  params: Promise<{ cohortId: string; sessionId: string }>
  searchParams: Promise<{ host?: string }>
}) {
  const { cohortId, sessionId } = await params
  const { host: wantedHost } = await searchParams
  const actor = await requireRole(`/instructor/cohorts/${cohortId}/live/${sessionId}/watch`, [
    'instructor',
    'admin',
  ])
  const target = await orPageError(getWatchTarget({ actor, sessionId }).catch(orConflictMessage))
  if (typeof target === 'string') {
    return (
      <section aria-labelledby="watch-heading">
        <h2 id="watch-heading">Watch a terminal</h2>
        <p className="card muted">{target}</p>
        <p>
          <Link href={`/instructor/cohorts/${cohortId}/live`}>Back to live labs</Link>
        </p>
      </section>
    )
  }
  const host =
    wantedHost && target.shellHosts.includes(wantedHost) ? wantedHost : (target.shellHosts[0] ?? '')
  return (
    <section aria-labelledby="watch-heading">
      <h2 id="watch-heading">
        Watching {target.learnerName}: {target.labTitle}
      </h2>
      <p className="muted">
        Read-only: you see {target.learnerName}&apos;s screen live but cannot type. They are shown a notice
        that an instructor is watching, and each connection is recorded in the audit log.{' '}
        <Link href={`/instructor/cohorts/${cohortId}/live`}>Back to live labs</Link>
      </p>
      {target.shellHosts.length > 1 && (
        <nav aria-label="Shell hosts" style={{ display: 'flex', gap: '0.4rem', marginBottom: '0.5rem' }}>
          {target.shellHosts.map((h) => (
            <Link
              key={h}
              className={h === host ? 'button small primary' : 'button small'}
              aria-current={h === host ? 'page' : undefined}
              href={`?host=${encodeURIComponent(h)}`}
            >
              {h}
            </Link>
          ))}
        </nav>
      )}
      <WatchTerminal sessionId={target.sessionId} labSlug={target.labSlug} host={host} />
    </section>
  )
}

/** A lab that ended meanwhile is an ordinary outcome here: say so instead of an error page. */
function orConflictMessage(error: unknown): string {
  if (error instanceof AppError && (error.code === 'conflict' || error.code === 'invalid'))
    return error.message
  throw error
}

import type { Metadata } from 'next'
import Link from 'next/link'
import { assembleStatus } from '@/server/admin/assemble-status'
import { runner } from '@/server/labs/runner'
import { requireRole } from '@/server/session/current-user'

export const metadata: Metadata = { title: 'Platform status' }
export const dynamic = 'force-dynamic'

function duration(seconds: number): string {
  const h = Math.floor(seconds / 3600)
  const m = Math.floor((seconds % 3600) / 60)
  return h > 0 ? `${h} h ${m} min` : `${m} min ${seconds % 60} s`
}

export default async function StatusPage() {
  const actor = await requireRole('/admin/status', ['admin'])
  const status = await assembleStatus({ actor, runner: runner() })
  const { web, database, capacity } = status
  return (
    <>
      <h1>Platform status</h1>
      <p className="muted">
        As seen by the web app instance that served this page. <Link href="/admin">Accounts</Link>
      </p>
      <table className="data">
        <tbody>
          <tr>
            <th scope="row">Web app</th>
            <td>
              {web.instance} (pid {web.pid}), version {web.version}, up {duration(web.uptimeSeconds)}, Node{' '}
              {web.node}
            </td>
          </tr>
          <tr>
            <th scope="row">Database</th>
            <td>
              {database.reachable
                ? `reachable, ${database.latencyMs} ms`
                : `unreachable: ${database.message}`}
            </td>
          </tr>
          <tr>
            <th scope="row">Lab-runner</th>
            <td>
              {status.runner.reachable
                ? `reachable, version ${status.runner.version} (pid ${status.runner.pid}), up ${duration(status.runner.uptimeSeconds)}`
                : `unreachable: ${status.runner.message}`}
            </td>
          </tr>
          <tr>
            <th scope="row">Docker engine</th>
            <td>{status.engine}</td>
          </tr>
          <tr>
            <th scope="row">Sandboxes</th>
            <td>
              {capacity
                ? `${capacity.live} live, ${capacity.starting} starting, ${capacity.queued} queued, at most ${capacity.max}`
                : 'unknown (the lab-runner is unreachable)'}
            </td>
          </tr>
        </tbody>
      </table>
      <h2>Recent errors</h2>
      {status.recentErrors.length === 0 ? (
        <p className="muted">No errors recorded.</p>
      ) : (
        <table className="data">
          <thead>
            <tr>
              <th>Time (UTC)</th>
              <th>Where</th>
              <th>Request id</th>
              <th>Message</th>
            </tr>
          </thead>
          <tbody>
            {status.recentErrors.map((e, i) => (
              <tr key={`${e.at}-${i}`}>
                <td>{e.at.replace('T', ' ').slice(0, 19)}</td>
                <td>
                  {e.source} {e.instance}
                </td>
                <td>
                  <code>{e.requestId ?? '—'}</code>
                </td>
                <td>
                  {e.message}
                  {typeof e.detail.error === 'string' ? `: ${e.detail.error}` : ''}
                  {typeof e.detail.path === 'string'
                    ? ` (${String(e.detail.method ?? '')} ${e.detail.path})`
                    : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  )
}

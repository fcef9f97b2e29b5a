import type { Metadata } from 'next'
import Link from 'next/link'
import { listAuditEvents } from '@/server/audit/list-audit-events'
import { requireRole } from '@/server/session/current-user'
import styles from '../instructor.module.css'

export const metadata: Metadata = { title: 'Audit log' }

export default async function AuditPage() {
  const actor = await requireRole('/instructor/audit', ['instructor', 'admin'])
  const events = await listAuditEvents({ actor, take: 300 })
  return (
    <>
      <p className="muted" style={{ marginBottom: 0 }}>
        <Link href="/instructor">Instructor</Link> › Audit log
      </p>
      <h1>Audit log</h1>
      <p className="muted">
        {actor.role === 'admin' ? 'Every recorded action' : 'Actions in the cohorts you teach, and your own'},
        newest first (latest 300).
      </p>
      <table className="data" data-testid="audit-log">
        <thead>
          <tr>
            <th scope="col">When (UTC)</th>
            <th scope="col">Who</th>
            <th scope="col">Action</th>
            <th scope="col">Learner</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr key={e.id}>
              <td>{e.createdAt.toISOString().slice(0, 19).replace('T', ' ')}</td>
              <td>{e.actor ?? 'system'}</td>
              <td>
                <code>{e.action}</code>
              </td>
              <td>{e.target ?? ''}</td>
              <td>
                <code className={styles.code} style={{ fontSize: '0.8rem', letterSpacing: 0 }}>
                  {JSON.stringify(e.details)}
                </code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  )
}

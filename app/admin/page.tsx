import type { Metadata } from 'next'
import Link from 'next/link'
import { RoleForm } from './role-form'
import { requireRole } from '@/server/session/current-user'
import { listUsers } from '@/server/users/list-users'
import { getPoolOverview } from '@/server/pools/pool-settings'
import { WarmPools } from './warm-pools'

export const metadata: Metadata = { title: 'Admin' }

export default async function AdminPage() {
  const actor = await requireRole('/admin', ['admin'])
  const users = await listUsers({ actor })
  const pools = await getPoolOverview(actor)
  return (
    <>
      <h1>Accounts</h1>
      <p className="muted">Grant the instructor role to staff who run cohorts. Admins manage accounts.</p>
      <p>
        <Link href="/instructor">All cohorts</Link> (assign instructors on a cohort&apos;s Learners page) ·{' '}
        <Link href="/instructor/audit">Audit log</Link> · <Link href="/admin/status">Platform status</Link>
      </p>
      <table className="data">
        <thead>
          <tr>
            <th>Name</th>
            <th>Email</th>
            <th>Role</th>
            <th>Joined</th>
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id}>
              <td>{u.name}</td>
              <td>{u.email}</td>
              <td>
                <RoleForm userId={u.id} role={u.role} self={u.id === actor.id} />
              </td>
              <td>{u.createdAt.toISOString().slice(0, 10)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <WarmPools overview={pools} />
    </>
  )
}

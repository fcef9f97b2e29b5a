import type { Metadata } from 'next'
import { requireUser } from '@/server/session/current-user'

export const metadata: Metadata = { title: 'Dashboard' }

export default async function DashboardPage() {
  const user = await requireUser('/dashboard')
  return (
    <>
      <h1>Welcome, {user.name}</h1>
      <p className="muted">
        Signed in as {user.email} · {user.role}
      </p>
      <section className="card" aria-labelledby="continue">
        <h2 id="continue">Continue where you left off</h2>
        <p className="muted">
          You have not started a lesson or lab yet. Your most recent lesson and lab will appear here.
        </p>
      </section>
    </>
  )
}

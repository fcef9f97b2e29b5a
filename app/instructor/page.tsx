import type { Metadata } from 'next'
import { requireRole } from '@/server/session/current-user'

export const metadata: Metadata = { title: 'Instructor' }

export default async function InstructorPage() {
  const user = await requireRole('/instructor', ['instructor', 'admin'])
  return (
    <>
      <h1>Instructor</h1>
      <p className="muted">Signed in as {user.name}.</p>
      <section className="card">
        <h2>Your cohorts</h2>
        <p className="muted">
          You have no cohorts yet. Cohorts, the progress matrix and the gradebook appear here.
        </p>
      </section>
    </>
  )
}

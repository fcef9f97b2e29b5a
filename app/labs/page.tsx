import type { Metadata } from 'next'
import Link from 'next/link'
import { listLabOverview } from '@/server/labs/list-lab-overview'
import { getCurrentUser } from '@/server/session/current-user'
import styles from './labs.module.css'

export const metadata: Metadata = { title: 'Hands-on labs' }

export default async function LabsPage() {
  const user = await getCurrentUser()
  const labs = await listLabOverview({ userId: user?.id ?? null })
  return (
    <>
      <h1>Hands-on labs</h1>
      <p className="muted">
        Each lab gives you a private copy of the HA stack, a terminal and an editor in the browser. Every step
        is checked automatically.
      </p>
      {!user && (
        <p className="alert info">
          <Link href="/sign-in?next=/labs">Sign in</Link> to start a lab and keep your points.
        </p>
      )}
      {labs.length === 0 ? (
        <p className="alert error">
          No labs are available: the lab definitions failed to load. Ask your operator to check the log.
        </p>
      ) : (
        <ul className={styles.list}>
          {labs.map((lab) => (
            <li key={lab.slug} className="card">
              <h2 className={styles.title}>
                <Link href={`/labs/${lab.slug}`}>{lab.title}</Link>
              </h2>
              <p>{lab.summary}</p>
              <p className={styles.meta}>
                <span className="pill">
                  {lab.stepsPassed}/{lab.stepCount} steps
                </span>
                <span className="pill">
                  {lab.pointsEarned}/{lab.totalPoints} points
                </span>
                <span className="pill">{lab.timeLimitMinutes} min</span>
                {lab.running && <span className={`pill ${styles.running}`}>running</span>}
                {lab.stepCount > 0 && lab.stepsPassed === lab.stepCount && (
                  <span className={`pill ${styles.done}`}>completed</span>
                )}
              </p>
            </li>
          ))}
        </ul>
      )}
    </>
  )
}

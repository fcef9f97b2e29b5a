import Link from 'next/link'
import { getCurrentUser } from '@/server/session/current-user'

const features = [
  {
    title: 'A real HA stack, yours alone',
    body: 'Every lab gives you a private sandbox: HAProxy, three HelixAgent instances, PostgreSQL primary and replica behind PgBouncer, a Redis Cluster, Prometheus and Alertmanager.',
  },
  {
    title: 'Terminal and editor in the browser',
    body: 'Open shells on the hosts a lab allows, edit configs in a full code editor, and pick up where you left off after a dropped connection.',
  },
  {
    title: 'Checked automatically, graded fairly',
    body: 'Each step is checked against the real state of your sandbox from a grader you cannot touch, with feedback and hints when something is off.',
  },
  {
    title: 'Lessons worth reading',
    body: 'Nineteen lessons on high availability, scaling, observability, incidents, backups and tuning — with runbooks and templates you can use on call.',
  },
]

export default async function HomePage() {
  const user = await getCurrentUser()
  return (
    <>
      <section className="hero">
        <span className="pill">Course 09 · Production Operations</span>
        <h1>Learn to run HelixAgent in production — hands-on.</h1>
        <p>
          Helix Academy teaches operators to design, monitor, fail over, back up and tune an ensemble-LLM
          service, by doing it on a real stack in the browser.
        </p>
        <div className="actions">
          {user ? (
            <Link className="button primary" href="/dashboard">
              Go to your dashboard
            </Link>
          ) : (
            <>
              <Link className="button primary" href="/sign-up">
                Create a free account
              </Link>
              <Link className="button" href="/sign-in">
                Sign in
              </Link>
            </>
          )}
        </div>
      </section>
      <section aria-labelledby="why" className="grid">
        <h2 id="why" className="visually-hidden" hidden>
          What you get
        </h2>
        {features.map((f) => (
          <article key={f.title} className="card">
            <h3>{f.title}</h3>
            <p className="muted">{f.body}</p>
          </article>
        ))}
      </section>
    </>
  )
}

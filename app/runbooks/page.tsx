import type { Metadata } from 'next'
import Link from 'next/link'
import { listRunbooks } from '@/server/content/catalog'

export const metadata: Metadata = { title: 'Runbooks and templates' }

const KIND_LABEL = { runbook: 'Runbook', template: 'Template', plan: 'Plan', policy: 'Policy' } as const

export default async function RunbooksPage() {
  const runbooks = await listRunbooks()
  return (
    <>
      <h1>Runbooks and templates</h1>
      <p className="muted">
        Working documents from the course. Tick steps as you go — your checklist state is saved.
      </p>
      <div className="grid">
        {runbooks.map((r) => (
          <article key={r.slug} className="card">
            <span className="pill">{KIND_LABEL[r.kind]}</span>
            <h2 style={{ fontSize: '1.2rem' }}>
              <Link href={`/runbooks/${r.slug}`}>{r.title}</Link>
            </h2>
            <p className="muted">{r.summary}</p>
          </article>
        ))}
      </div>
    </>
  )
}

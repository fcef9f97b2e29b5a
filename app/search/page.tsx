import type { Metadata } from 'next'
import Link from 'next/link'
import { searchContent } from '@/server/search/search-index'

export const metadata: Metadata = { title: 'Search' }

const KIND = { lesson: 'Lesson', runbook: 'Runbook', page: 'Course page' } as const

export default async function SearchPage({ searchParams }: { searchParams: Promise<{ q?: string }> }) {
  const q = ((await searchParams).q ?? '').slice(0, 200)
  const hits = q ? await searchContent(q) : []
  return (
    <div style={{ maxWidth: '52rem' }}>
      <h1>Search</h1>
      <form role="search" action="/search" style={{ display: 'flex', gap: '0.5rem', marginBottom: '1.5rem' }}>
        <label style={{ flex: 1 }}>
          <span className="visually-hidden" hidden>
            Search lessons, runbooks and code
          </span>
          <input
            type="search"
            name="q"
            defaultValue={q}
            placeholder="Search lessons, runbooks and code…"
            aria-label="Search lessons, runbooks and code"
            style={{ width: '100%' }}
          />
        </label>
        <button className="button primary" type="submit">
          Search
        </button>
      </form>
      {q && (
        <p className="muted" role="status">
          {hits.length === 0
            ? `No results for “${q}”. Try fewer or different words.`
            : `${hits.length} result${hits.length === 1 ? '' : 's'} for “${q}”`}
        </p>
      )}
      <ol style={{ listStyle: 'none', padding: 0, display: 'flex', flexDirection: 'column', gap: '0.75rem' }}>
        {hits.map((hit) => (
          <li key={hit.url} className="card" data-testid="search-result">
            <span className="pill">{KIND[hit.kind]}</span>{' '}
            <Link href={hit.url} style={{ fontWeight: 700 }}>
              {hit.pageTitle}
              {hit.heading ? ` › ${hit.heading}` : ''}
            </Link>
            <p className="muted" style={{ margin: '0.4rem 0 0' }}>
              {hit.snippet}
            </p>
          </li>
        ))}
      </ol>
    </div>
  )
}

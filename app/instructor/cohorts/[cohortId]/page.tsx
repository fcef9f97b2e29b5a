import type { Metadata } from 'next'
import Link from 'next/link'
import { loadCohortProgress } from '@/server/grading/load-cohort-progress'
import { buildProgressMatrix, parseMatrixQuery, type MatrixQuery } from '@/server/instructor/progress-matrix'
import { requireRole } from '@/server/session/current-user'
import { orPageError } from '../../_lib/app-errors'
import styles from './matrix.module.css'

export const metadata: Metadata = { title: 'Cohort progress' }

type Props = {
  params: Promise<{ cohortId: string }>
  searchParams: Promise<Record<string, string | string[] | undefined>>
}

const STATUS_MARK = { done: '✓', started: '…', none: '–' } as const

function matrixHref(cohortId: string, query: MatrixQuery, change: Partial<MatrixQuery>): string {
  const next = { ...query, ...change }
  const params = new URLSearchParams()
  if (next.group !== 'all') params.set('group', next.group)
  if (next.flag !== 'all') params.set('flag', next.flag)
  if (next.sort !== 'name') params.set('sort', next.sort)
  if (next.dir !== 'asc') params.set('dir', next.dir)
  if (next.search) params.set('q', next.search)
  if (next.page > 1) params.set('page', String(next.page))
  const qs = params.toString()
  return `/instructor/cohorts/${cohortId}${qs ? `?${qs}` : ''}`
}

export default async function CohortMatrixPage({ params, searchParams }: Props) {
  const { cohortId } = await params
  const actor = await requireRole(`/instructor/cohorts/${cohortId}`, ['instructor', 'admin'])
  const query = parseMatrixQuery(await searchParams)
  const progress = await orPageError(loadCohortProgress({ actor, cohortId }))
  const matrix = buildProgressMatrix(progress, query)
  const sortLink = (sort: MatrixQuery['sort'], label: string) => {
    const active = query.sort === sort
    const dir = active && query.dir === 'asc' ? 'desc' : sort === 'name' ? 'asc' : active ? 'asc' : 'desc'
    return (
      <Link href={matrixHref(cohortId, query, { sort, dir, page: 1 })} aria-label={`Sort by ${label}`}>
        {label}
        {active ? (query.dir === 'asc' ? ' ▲' : ' ▼') : ''}
      </Link>
    )
  }
  return (
    <section aria-labelledby="matrix-heading">
      <h2 id="matrix-heading">Progress matrix</h2>
      {progress.labProblems.length > 0 && (
        <p className="alert error">
          Some lab definitions are invalid and are left out of grading: {progress.labProblems.join('; ')}
        </p>
      )}
      <form method="get" className={styles.filters} aria-label="Filter learners">
        <label>
          Module
          <select name="group" defaultValue={query.group}>
            <option value="all">All items</option>
            {matrix.groups.map((g) => (
              <option key={g.slug} value={g.slug}>
                {g.title}
              </option>
            ))}
          </select>
        </label>
        <label>
          Show
          <select name="flag" defaultValue={query.flag}>
            <option value="all">All learners</option>
            <option value="stuck">Stuck</option>
            <option value="behind">Behind</option>
          </select>
        </label>
        <label>
          Sort by
          <select name="sort" defaultValue={query.sort}>
            <option value="name">Name</option>
            <option value="completion">Completion</option>
            <option value="grade">Grade</option>
            <option value="activity">Last activity</option>
          </select>
        </label>
        <label>
          Order
          <select name="dir" defaultValue={query.dir}>
            <option value="asc">Ascending</option>
            <option value="desc">Descending</option>
          </select>
        </label>
        <label>
          Search
          <input type="search" name="q" defaultValue={query.search} placeholder="Name or email" />
        </label>
        <button type="submit" className="button">
          Apply
        </button>
      </form>
      <p className="muted" data-testid="matrix-count">
        {matrix.matchingLearners} of {matrix.totalLearners} learners
        {matrix.cohortMedianCompletion !== null &&
          ` · cohort median completion ${Math.round(matrix.cohortMedianCompletion)}%`}
        . Stuck: a lab step tried 3+ times or a quiz failed twice without passing. Behind: 20+ points under
        the median, or idle for 7 days.
      </p>
      <p className={styles.legend}>
        <span className={styles.done}>✓ or score: done</span>
        <span className={styles.started}>… or score: in progress</span>
        <span className={styles.none}>– not started</span>
        <span className={styles.overridden}>* hand-graded</span>
        <span className="muted">Numbers are scores in %.</span>
      </p>
      {matrix.totalLearners === 0 ? (
        <p className="card">
          No learners yet. <Link href={`/instructor/cohorts/${cohortId}/members`}>Create an invite</Link> and
          share its link or code.
        </p>
      ) : (
        <div className={styles.scroller}>
          <table className={styles.matrix} data-testid="progress-matrix">
            <caption className="muted" style={{ captionSide: 'bottom', padding: '0.5rem' }}>
              Rows: learners. Columns: {matrix.items.length} course items. Last row: share done and median
              score.
            </caption>
            <thead>
              <tr>
                <th scope="col" className={styles.learner}>
                  {sortLink('name', 'Learner')}
                </th>
                <th scope="col">{sortLink('completion', 'Done %')}</th>
                <th scope="col">{sortLink('grade', 'Grade')}</th>
                {matrix.items.map((item) => (
                  <th key={item.key} scope="col" title={item.title}>
                    <abbr title={item.title}>{item.shortTitle}</abbr>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {matrix.rows.map((row) => (
                <tr key={row.userId} data-testid="matrix-row">
                  <th scope="row" className={styles.learner}>
                    <Link href={`/instructor/cohorts/${cohortId}/learners/${row.userId}`}>{row.name}</Link>
                    {row.stuck && <span className={styles.flag}>stuck</span>}
                    {row.behind && <span className={styles.flag}>behind</span>}
                  </th>
                  <td>{row.completion}%</td>
                  <td>{row.final}</td>
                  {row.cells.map((cell, i) => (
                    // One element per cell: 100 rows × every item is the page's main cost.
                    // The legend above says what the marks mean; the headers name the item.
                    <td
                      key={i}
                      className={
                        cell.overridden ? `${styles[cell.status]} ${styles.overridden}` : styles[cell.status]
                      }
                      data-item={matrix.items[i]!.key}
                      data-status={cell.status}
                    >
                      {cell.score === null || matrix.items[i]!.kind === 'lesson'
                        ? STATUS_MARK[cell.status]
                        : Math.round(cell.score)}
                      {cell.overridden ? '*' : ''}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row" className={styles.learner}>
                  Done % · median score
                </th>
                <td />
                <td />
                {matrix.summary.map((s, i) => (
                  <td
                    key={matrix.items[i]!.key}
                    data-testid="summary-cell"
                    title={`${s.completion}% done, median ${s.medianScore ?? '–'}`}
                  >
                    {s.completion}%
                    <br />
                    <span className="muted">{s.medianScore ?? '–'}</span>
                  </td>
                ))}
              </tr>
            </tfoot>
          </table>
        </div>
      )}
      {matrix.pages > 1 && (
        <nav className={styles.pager} aria-label="Pages">
          {matrix.page > 1 && (
            <Link href={matrixHref(cohortId, query, { page: matrix.page - 1 })}>← Previous</Link>
          )}
          <span>
            Page {matrix.page} of {matrix.pages}
          </span>
          {matrix.page < matrix.pages && (
            <Link href={matrixHref(cohortId, query, { page: matrix.page + 1 })}>Next →</Link>
          )}
        </nav>
      )}
    </section>
  )
}

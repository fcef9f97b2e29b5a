'use client'
// The lab's Dashboard tab: the learner's PromQL panels (a file they write in the Editor) drawn
// against their sandbox's Prometheus. Refreshes every 15 s while the tab is shown and the page
// is visible; every panel shows its own error, so one bad query does not hide the others.
import { useEffect, useState } from 'react'
import { DASHBOARD_RANGES, type DashboardPanel, type DashboardResult } from '@/contracts/dashboard'
import { DashboardChart } from './dashboard-chart'
import { formatValue, latestValue } from './dashboard-chart-scale'
import { labApi } from './lab-api'
import styles from './lab-dashboard.module.css'

const AUTO_REFRESH_MS = 15_000

export interface LabDashboardProps {
  labSlug: string
  /** The panels file, for the empty state. */
  file: { host: string; path: string }
  /** Whether the tab is shown; refreshing stops while it is not. */
  active: boolean
  /** Switches the workspace to the Editor tab. */
  onOpenEditor?: () => void
}

export default function LabDashboard({ labSlug, file, active, onOpenEditor }: LabDashboardProps) {
  const [rangeS, setRangeS] = useState<number>(DASHBOARD_RANGES[0].seconds)
  const [answer, setAnswer] = useState<{ rangeS: number; result: DashboardResult; at: Date } | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [refreshing, setRefreshing] = useState(false)
  /** Bumped by the Refresh button: the effect below fetches again. */
  const [reloads, setReloads] = useState(0)

  useEffect(() => {
    if (!active) return
    // `cancelled` drops answers for a range (or tab) the learner has already left.
    let cancelled = false
    let inFlight = false
    const fetchDashboard = () => {
      inFlight = true
      labApi<DashboardResult>(labSlug, `dashboard?range=${rangeS}`)
        .then((result) => {
          if (cancelled) return
          setAnswer({ rangeS, result, at: new Date() })
          setError(null)
        })
        .catch((e: unknown) => !cancelled && setError((e as Error).message))
        .finally(() => {
          inFlight = false
          if (!cancelled) setRefreshing(false)
        })
    }
    fetchDashboard()
    const timer = setInterval(() => {
      // A slow Prometheus must not stack up requests from the timer; a hidden page needs none.
      if (document.visibilityState !== 'visible' || inFlight) return
      setRefreshing(true)
      fetchDashboard()
    }, AUTO_REFRESH_MS)
    return () => {
      cancelled = true
      clearInterval(timer)
    }
  }, [active, labSlug, rangeS, reloads])

  const refresh = () => {
    setRefreshing(true)
    setReloads((n) => n + 1)
  }

  const result = answer?.result ?? null
  const loading = refreshing || (answer?.rangeS !== rangeS && error === null)

  return (
    <div className={styles.dashboard} data-testid="lab-dashboard">
      <div className={styles.toolbar}>
        <div role="group" aria-label="Time range" className={styles.ranges}>
          {DASHBOARD_RANGES.map((r) => (
            <button
              key={r.seconds}
              type="button"
              className="button small"
              aria-pressed={rangeS === r.seconds}
              onClick={() => {
                setError(null)
                setRangeS(r.seconds)
              }}
            >
              {r.label}
            </button>
          ))}
        </div>
        <button type="button" className="button small" onClick={refresh} disabled={loading}>
          {loading ? 'Refreshing…' : 'Refresh'}
        </button>
        <span className="muted" role="status" aria-live="polite">
          {loading
            ? 'Loading…'
            : answer
              ? `Updated ${answer.at.toLocaleTimeString([], { hour12: false })} · refreshes every 15 s`
              : ''}
        </span>
      </div>

      {error && (
        <p className="alert error" role="alert">
          {error}
        </p>
      )}

      {result?.status === 'file-problem' && (
        <div className={styles.empty}>
          <h3>Write your dashboard in the Editor</h3>
          <p>{result.message}</p>
          <p>
            The panels live in <code>{result.file.path}</code> on <code>{result.file.host}</code>, for
            example:
          </p>
          <pre
            className={styles.example}
          >{`panels:\n  - title: Request rate by endpoint\n    query: sum(rate(helixagent_requests_total[5m])) by (endpoint)`}</pre>
          {onOpenEditor && (
            <button type="button" className="button primary small" onClick={onOpenEditor}>
              Open the Editor
            </button>
          )}
        </div>
      )}
      {result === null && !error && <p className="muted">Loading the dashboard from {file.path}…</p>}

      {result?.status === 'ok' && (
        <>
          {result.notices.map((notice) => (
            <p key={notice} className="alert info" role="status">
              {notice}
            </p>
          ))}
          <div className={styles.panels}>
            {result.panels.map((panel, i) => (
              <PanelCard key={`${i}:${panel.title}`} panel={panel} range={result.range} />
            ))}
          </div>
        </>
      )}
    </div>
  )
}

function PanelCard({
  panel,
  range,
}: {
  panel: DashboardPanel
  range: { start: number; end: number; stepS: number }
}) {
  const lone =
    panel.status === 'ok' && panel.series.length === 1 && panel.series[0] ? panel.series[0] : undefined
  return (
    <section className={styles.panel} aria-label={panel.title} data-status={panel.status}>
      <header className={styles.panelHeader}>
        <h3>{panel.title}</h3>
        {lone && (
          <span className={styles.bigNumber} aria-label={`Current value ${formatValue(latestValue(lone))}`}>
            {formatValue(latestValue(lone))}
          </span>
        )}
      </header>
      {panel.query !== '' && (
        <details className={styles.query}>
          <summary>Query</summary>
          <code>{panel.query}</code>
        </details>
      )}
      {panel.status === 'ok' && <DashboardChart title={panel.title} series={panel.series} range={range} />}
      {panel.message && (
        <p className={panel.status === 'ok' ? styles.note : styles.panelError}>
          {panel.status === 'error' ? (
            <strong>Error: </strong>
          ) : panel.status === 'no-data' ? (
            <strong>No data: </strong>
          ) : null}
          {panel.message}
        </p>
      )}
    </section>
  )
}

// The in-app dashboard of a lab (`dashboard` in lab.yaml): what the runner's
// `GET /v1/sandboxes/:id/dashboard?range=<seconds>` returns, and what the web app passes on to
// the browser unchanged. Pure zod + types, shared by the runner, the web app and the page.
import { z } from 'zod'

/** The ranges the page offers (seconds); the API accepts any whole number of seconds in between. */
export const DASHBOARD_RANGES = [
  { seconds: 15 * 60, label: '15 min' },
  { seconds: 60 * 60, label: '1 h' },
  { seconds: 3 * 60 * 60, label: '3 h' },
] as const
export const DEFAULT_DASHBOARD_RANGE_S = 60 * 60
export const MIN_DASHBOARD_RANGE_S = 60
export const MAX_DASHBOARD_RANGE_S = 24 * 60 * 60

/** Keep one learner's dashboard cheap for their sandbox's Prometheus and readable on the page. */
export const DASHBOARD_LIMITS = {
  panels: 12,
  queryBytes: 2048,
  queryTimeoutMs: 5_000,
  seriesPerPanel: 20,
  /** Points per series at most; the step is the range divided by this, rounded up. */
  pointsPerSeries: 120,
} as const

export const dashboardQuerySchema = z.strictObject({
  range: z.coerce
    .number({ error: 'must be a number of seconds' })
    .int('must be a whole number of seconds')
    .min(MIN_DASHBOARD_RANGE_S, `must be at least ${MIN_DASHBOARD_RANGE_S} seconds`)
    .max(MAX_DASHBOARD_RANGE_S, `must be at most ${MAX_DASHBOARD_RANGE_S} seconds (24 h)`)
    .default(DEFAULT_DASHBOARD_RANGE_S),
})

export interface DashboardSeries {
  /** The series' labels (`__name__` included when Prometheus kept it). */
  labels: Record<string, string>
  /** `[unix seconds, value]`; `null` where Prometheus answered NaN or ±Inf (drawn as a gap). */
  points: Array<[number, number | null]>
}

export type DashboardPanelStatus =
  /** At least one series came back. */
  | 'ok'
  /** The query ran but matched nothing in the range. */
  | 'no-data'
  /** The panel is malformed, Prometheus rejected the query, or it did not answer. */
  | 'error'

export interface DashboardPanel {
  title: string
  query: string
  status: DashboardPanelStatus
  /** At most `DASHBOARD_LIMITS.seriesPerPanel`, sorted by their labels. */
  series: DashboardSeries[]
  /** Series Prometheus returned beyond the limit, not shown. */
  omittedSeries: number
  /** For `error` and `no-data`: what went wrong and what to do; for `ok`: a note (limit, warning). */
  message?: string
}

export type DashboardResult =
  | {
      status: 'ok'
      file: { host: string; path: string }
      /** Unix seconds; `stepS` is the spacing of the points. */
      range: { start: number; end: number; stepS: number }
      panels: DashboardPanel[]
      /** Whole-dashboard notes, e.g. panels left out over the limit. */
      notices: string[]
    }
  | {
      /** The panels file is missing, unreadable or not in the documented format. */
      status: 'file-problem'
      file: { host: string; path: string }
      message: string
    }

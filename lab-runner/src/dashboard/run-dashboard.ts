// The lab's in-app dashboard for one sandbox: read the learner's panels file from the sandbox,
// run each panel's PromQL as a range query against the lab's declared Prometheus (and nothing
// else), and shape the answers for the page. Used by the runner's HTTP route and by lab tests.
import type { ContainerAccess } from '../engine/sandbox-engine'
import type { Reach } from '../engine/upstream'
import { DASHBOARD_LIMITS, type DashboardPanel, type DashboardResult } from '../../../contracts/dashboard'
import type { LabDashboard } from '../../../contracts/lab-definition'
import { findSandboxHost, type SandboxHostsView } from '../exec/sandbox-host'
import type { EditableFileRule } from '../../../contracts/editable-paths'
import { readSandboxFile } from '../files/sandbox-files'
import { parseDashboardFile, type PanelSpec } from './dashboard-file'
import { queryRange, type RangeQueryResult } from './prometheus-range'

export interface DashboardTarget {
  docker: ContainerAccess
  sandbox: SandboxHostsView
  dashboard: LabDashboard
  /** The lab's `editableFiles`: the panels file is read under the same allow-list as the Editor's. */
  editableFiles: ReadonlyArray<EditableFileRule>
  rangeS: number
  /** How the runner connects to Prometheus (the engine's); default: straight to its address. */
  reach?: Reach
  /** Unix seconds; default now. */
  now?: number
}

/** Range queries in flight at once for one dashboard, so a big dashboard does not swamp a small Prometheus. */
const PARALLEL_QUERIES = 4

export async function runDashboard(target: DashboardTarget): Promise<DashboardResult> {
  const file = { host: target.dashboard.file.host, path: target.dashboard.file.path }
  const read = await readSandboxFile({
    docker: target.docker,
    sandbox: target.sandbox,
    ...file,
    editableFiles: target.editableFiles,
  })
  if (read.status !== 'ok') {
    const message =
      read.code === 'not-found'
        ? `${file.path} does not exist yet. Write your panels there in the Editor and save the file.`
        : `${file.path} cannot be read (${read.message}). Open it in the Editor, fix it and save the file.`
    return { status: 'file-problem', file, message }
  }
  const parsed = parseDashboardFile(read.content)
  if (parsed.status === 'problem')
    return { status: 'file-problem', file, message: capitalize(parsed.message) }

  const range = chooseRange(target.rangeS, target.now ?? Math.floor(Date.now() / 1000))
  const prometheus = findSandboxHost(target.sandbox, target.dashboard.prometheus.host)
  const name = `${target.dashboard.prometheus.host}:${target.dashboard.prometheus.port}`
  const run = (panel: PanelSpec): Promise<RangeQueryResult> =>
    prometheus === undefined || prometheus.ip === ''
      ? Promise.resolve({
          status: 'unreachable',
          message: `Prometheus (${name}) is not running in this sandbox; start it again (or Reset the sandbox).`,
        })
      : queryRange({
          ip: prometheus.ip,
          port: target.dashboard.prometheus.port,
          ...(target.reach ? { via: target.reach(prometheus, target.dashboard.prometheus.port) } : {}),
          name,
          query: panel.query,
          ...range,
          timeoutMs: DASHBOARD_LIMITS.queryTimeoutMs,
        })
  const panels = await mapLimited(parsed.panels, PARALLEL_QUERIES, async (panel) =>
    panel.problem !== undefined
      ? errorPanel(panel, panel.problem)
      : toPanel(panel, await run(panel), target.rangeS),
  )
  return { status: 'ok', file, range, panels, notices: parsed.notices }
}

/** End now; the step keeps a series at or under `pointsPerSeries` points (whole seconds, at least 1). */
export function chooseRange(rangeS: number, nowS: number): { start: number; end: number; stepS: number } {
  const stepS = Math.max(1, Math.ceil(rangeS / (DASHBOARD_LIMITS.pointsPerSeries - 1)))
  return { start: nowS - rangeS, end: nowS, stepS }
}

/** Turns one query's answer into a panel: limits the series, and says why a panel is empty. */
export function toPanel(panel: PanelSpec, answer: RangeQueryResult, rangeS: number): DashboardPanel {
  if (answer.status !== 'ok') return errorPanel(panel, answer.message)
  const sorted = [...answer.series].sort((a, b) => labelKey(a.labels).localeCompare(labelKey(b.labels)))
  const shown = sorted.slice(0, DASHBOARD_LIMITS.seriesPerPanel)
  const omittedSeries = sorted.length - shown.length
  if (shown.length === 0) {
    return {
      title: panel.title,
      query: panel.query,
      status: 'no-data',
      series: [],
      omittedSeries: 0,
      message: `The query returned no data in the last ${describeRange(rangeS)}. Check the metric and label names in Prometheus (are the targets scraped?).`,
    }
  }
  const notes = [
    omittedSeries > 0
      ? `Showing ${shown.length} of ${sorted.length} series; ${omittedSeries} ${omittedSeries === 1 ? 'was' : 'were'} left out (at most ${DASHBOARD_LIMITS.seriesPerPanel} per panel). Aggregate the query, e.g. sum by (...), to see them all.`
      : undefined,
    panel.note ? capitalize(panel.note) : undefined,
    ...answer.warnings.map((w) => `Prometheus warns: ${w}`),
  ].filter((n): n is string => n !== undefined)
  return {
    title: panel.title,
    query: panel.query,
    status: 'ok',
    series: shown,
    omittedSeries,
    ...(notes.length > 0 ? { message: notes.join(' ') } : {}),
  }
}

function errorPanel(panel: PanelSpec, message: string): DashboardPanel {
  return {
    title: panel.title,
    query: panel.query,
    status: 'error',
    series: [],
    omittedSeries: 0,
    message: capitalize(message),
  }
}

function labelKey(labels: Record<string, string>): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k] ?? ''}`)
    .join(',')
}

function describeRange(seconds: number): string {
  if (seconds % 3600 === 0) return seconds === 3600 ? 'hour' : `${seconds / 3600} hours`
  return `${Math.round(seconds / 60)} minutes`
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

/** `Promise.all(items.map(fn))` with at most `limit` calls running, results in input order. */
async function mapLimited<T, R>(
  items: ReadonlyArray<T>,
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const index = next++
      results[index] = await fn(items[index] as T)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}

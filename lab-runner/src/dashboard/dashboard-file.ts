// The learner's dashboard file (e.g. /home/learner/dashboards/helixagent.yaml): a `panels:` list,
// each panel a `title:` and a PromQL `query:`. Parsed as YAML; anything the page cannot draw is
// described in words the learner can act on in the Editor. Limits: contracts/dashboard.ts.
import { parseDocument } from 'yaml'
import { DASHBOARD_LIMITS } from '../../../contracts/dashboard'

export interface PanelSpec {
  title: string
  query: string
  /** Set when the panel cannot be run as written; the query is then not sent. */
  problem?: string
  /** Runs, but worth telling the learner (e.g. the step's check reads one line per key). */
  note?: string
}

export type DashboardFileProblem = { status: 'problem'; reason: 'empty' | 'invalid'; message: string }
export type ParsedDashboardFile =
  { status: 'ok'; panels: PanelSpec[]; notices: string[] } | DashboardFileProblem

const FORMAT_HINT = 'Each entry under panels: needs a title: and a query: line.'
const QUOTE_HINT =
  'quote it with single quotes when it starts with a quote or a brace, or contains ": " or " #"'

export function parseDashboardFile(text: string): ParsedDashboardFile {
  const document = parseDocument(text, { uniqueKeys: true, prettyErrors: true })
  const firstError = document.errors[0]
  if (firstError) {
    // The library's message is "<what> at line L, column C:" followed by a code frame.
    const what = firstError.message.split('\n')[0]?.replace(/:$/, '') ?? 'syntax error'
    return invalid(`the dashboard file is not valid YAML: ${what}. Fix it in the Editor and save the file.`)
  }
  const root: unknown = document.toJS()
  if (root === null || root === undefined) {
    return {
      status: 'problem',
      reason: 'empty',
      message: `the dashboard file is empty. Write a panels: list in the Editor and save the file. ${FORMAT_HINT}`,
    }
  }
  if (!isRecord(root) || !('panels' in root)) {
    return invalid(`the dashboard file has no panels: list at the top. ${FORMAT_HINT}`)
  }
  const list = root.panels
  if (list === null || (Array.isArray(list) && list.length === 0)) {
    return {
      status: 'problem',
      reason: 'empty',
      message: `the dashboard has no panels yet. Add entries under panels: in the Editor and save the file. ${FORMAT_HINT}`,
    }
  }
  if (!Array.isArray(list))
    return invalid(
      `panels: must be a list (lines starting with "- title:"), not ${describe(list)}. ${FORMAT_HINT}`,
    )

  const notices: string[] = []
  if (list.length > DASHBOARD_LIMITS.panels) {
    const extra = list.length - DASHBOARD_LIMITS.panels
    notices.push(
      `The dashboard shows at most ${DASHBOARD_LIMITS.panels} panels; the last ${extra} ${extra === 1 ? 'panel was' : 'panels were'} left out.`,
    )
  }
  const panels = list
    .slice(0, DASHBOARD_LIMITS.panels)
    .map((entry: unknown, index) => readPanel(entry, index))
  return { status: 'ok', panels, notices }
}

function readPanel(entry: unknown, index: number): PanelSpec {
  const fallbackTitle = `Panel ${index + 1}`
  if (!isRecord(entry)) {
    return {
      title: fallbackTitle,
      query: '',
      problem: `panel ${index + 1} is ${describe(entry)}, not a title: and query: pair. ${FORMAT_HINT}`,
    }
  }
  const title =
    isScalar(entry.title) && String(entry.title).trim() !== '' ? String(entry.title).trim() : fallbackTitle
  const raw = entry.query
  if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) {
    return {
      title,
      query: '',
      problem: 'this panel has no query. Add a query: line with a PromQL expression.',
    }
  }
  if (!isScalar(raw)) {
    // An unquoted `{job="x"}` or `a: b` is read as a YAML mapping, not as text.
    return { title, query: '', problem: `the query is read as ${describe(raw)}, not as text: ${QUOTE_HINT}.` }
  }
  const query = String(raw).trim()
  const bytes = Buffer.byteLength(query, 'utf8')
  if (bytes > DASHBOARD_LIMITS.queryBytes) {
    return {
      title,
      query: query.slice(0, 200),
      problem: `the query is ${bytes} bytes; a panel's query may be at most ${DASHBOARD_LIMITS.queryBytes} bytes.`,
    }
  }
  const note = query.includes('\n')
    ? "this query spans several lines; the step's check reads each key on one line, so put it on one line."
    : undefined
  return { title, query, ...(note ? { note } : {}) }
}

function invalid(message: string): DashboardFileProblem {
  return { status: 'problem', reason: 'invalid', message }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isScalar(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list'
  if (isRecord(value)) return 'a mapping'
  if (value === null || value === undefined) return 'empty'
  return `the ${typeof value} ${JSON.stringify(value)}`
}

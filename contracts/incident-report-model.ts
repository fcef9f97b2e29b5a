// The incident report as data, and the pure functions around it: Markdown rendering (the
// download, and the incident lab's grader), parsing that Markdown back, and the completeness
// check. No React, no server code: the browser form, the server and graders all import this.

export const SEVERITIES = ['P1', 'P2', 'P3', 'P4'] as const
export type Severity = (typeof SEVERITIES)[number]

export const ACTION_STATUSES = ['Open', 'In progress', 'Done'] as const
export type ActionStatus = (typeof ACTION_STATUSES)[number]

export interface TimelineEntry {
  /** "HH:MM" in UTC, as in the template (a date may precede it). */
  time: string
  event: string
}

export interface ActionItem {
  action: string
  owner: string
  /** YYYY-MM-DD */
  dueDate: string
  status: ActionStatus
}

/** Who held the incident's roles (an incident with several responders); names or @handles. */
export interface IncidentRoles {
  commander: string
  communications: string
}

export interface IncidentReportFields {
  /** e.g. "INCIDENT-0042" */
  incidentId: string
  title: string
  severity: Severity | ''
  /** "Start - End", e.g. "2026-03-14 14:02 - 14:47 UTC" */
  duration: string
  impact: string
  timeline: TimelineEntry[]
  rootCause: string
  resolution: string
  actionItems: ActionItem[]
  lessonsLearned: string
  /**
   * Optional sections beyond the course template (Lab 3's infrastructure incident asks for
   * them): rendered as "## Roles" and "## Status Updates" only when filled, so reports and
   * drafts without them are exactly what they were.
   */
  roles?: IncidentRoles
  /** Status updates sent while the incident ran: "HH:MM" (UTC) and the update's text. */
  statusUpdates?: TimelineEntry[]
}

export function emptyTimelineEntry(): TimelineEntry {
  return { time: '', event: '' }
}

export function emptyActionItem(): ActionItem {
  return { action: '', owner: '', dueDate: '', status: 'Open' }
}

/** A new report: the template's rows as empty rows to fill in. */
export function emptyIncidentReport(): IncidentReportFields {
  return {
    incidentId: '',
    title: '',
    severity: '',
    duration: '',
    impact: '',
    timeline: [emptyTimelineEntry(), emptyTimelineEntry()],
    rootCause: '',
    resolution: '',
    actionItems: [emptyActionItem()],
    lessonsLearned: '',
  }
}

// ---- Completeness ----

export const MISSING = {
  incidentId: 'Incident ID',
  title: 'Title',
  severity: 'Severity (P1–P4)',
  duration: 'Duration',
  impact: 'Impact',
  timeline: 'Timeline: at least 2 entries, each with a time (HH:MM) and an event',
  rootCause: 'Root cause',
  resolution: 'Resolution',
  actionItems: 'Action items: at least 1 with an action and an owner',
  lessonsLearned: 'Lessons learned',
} as const satisfies Record<Exclude<keyof IncidentReportFields, 'roles' | 'statusUpdates'>, string>

const filled = (value: string) => value.trim().length > 0
const hasClockTime = (value: string) => /\b\d{1,2}:\d{2}\b/.test(value)

export function completeTimelineEntries(fields: Pick<IncidentReportFields, 'timeline'>): TimelineEntry[] {
  return fields.timeline.filter((entry) => hasClockTime(entry.time) && filled(entry.event))
}

export function ownedActionItems(fields: Pick<IncidentReportFields, 'actionItems'>): ActionItem[] {
  return fields.actionItems.filter((item) => filled(item.action) && filled(item.owner))
}

/**
 * Whether a report is ready for review: every section present, at least two timestamped
 * timeline entries, a root cause, and at least one action item with an owner. `missing`
 * lists what to add, in the template's order.
 */
export function checkIncidentReport(fields: IncidentReportFields): { complete: boolean; missing: string[] } {
  const missing: string[] = []
  if (!filled(fields.incidentId)) missing.push(MISSING.incidentId)
  if (!filled(fields.title)) missing.push(MISSING.title)
  if (!SEVERITIES.includes(fields.severity as Severity)) missing.push(MISSING.severity)
  if (!filled(fields.duration)) missing.push(MISSING.duration)
  if (!filled(fields.impact)) missing.push(MISSING.impact)
  if (completeTimelineEntries(fields).length < 2) missing.push(MISSING.timeline)
  if (!filled(fields.rootCause)) missing.push(MISSING.rootCause)
  if (!filled(fields.resolution)) missing.push(MISSING.resolution)
  if (ownedActionItems(fields).length < 1) missing.push(MISSING.actionItems)
  if (!filled(fields.lessonsLearned)) missing.push(MISSING.lessonsLearned)
  return { complete: missing.length === 0, missing }
}

// ---- Markdown ----

const NOT_FILLED = '_Not filled in yet._'
// What the Summary says for an empty field; the template's own placeholders read as empty too.
const SUMMARY_PLACEHOLDERS = {
  severity: 'Not set',
  duration: 'Start - End',
  impact: 'Not described yet',
} as const
const TEMPLATE_PLACEHOLDERS = new Set([
  ...Object.values(SUMMARY_PLACEHOLDERS),
  'P1 / P2 / P3',
  'Description of user impact',
  NOT_FILLED,
])

/** A table cell: one line, pipes escaped, so user text cannot break the table. */
function cell(value: string): string {
  const text = value
    .replace(/\s*\r?\n\s*/g, ' ')
    .trim()
    .replace(/\|/g, '\\|')
  return text || ' '
}

function block(value: string): string {
  const text = value.replace(/\r\n/g, '\n').trim()
  return text || NOT_FILLED
}

function inline(value: string, placeholder: string): string {
  const text = value.replace(/\s*\r?\n\s*/g, ' ').trim()
  return text || placeholder
}

/** "INCIDENT-0042" → "INCIDENT-0042"; "0042" → "INCIDENT-0042"; "" → "INCIDENT-XXXX". */
export function normalizeIncidentId(incidentId: string): string {
  const id = incidentId
    .trim()
    .replace(/^\[|\]$/g, '')
    .trim()
  if (!id) return 'INCIDENT-XXXX'
  return /^incident-/i.test(id) ? `INCIDENT-${id.slice('incident-'.length)}` : `INCIDENT-${id}`
}

/** The download's file name: `incident-<id>.md`, e.g. incident-0042.md. */
export function incidentFileName(incidentId: string): string {
  const bare = normalizeIncidentId(incidentId)
    .slice('INCIDENT-'.length)
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '')
  return `incident-${bare && bare !== 'XXXX' ? bare.toLowerCase() : 'draft'}.md`
}

/**
 * The report as Markdown with the course template's exact headings and tables
 * (`# Incident Report: [INCIDENT-XXXX]`, `## Summary` … `## Lessons Learned`). Rows left
 * completely empty in the form are dropped; empty sections say so instead of vanishing.
 */
export function renderIncidentMarkdown(fields: IncidentReportFields): string {
  const timeline = fields.timeline.filter((e) => filled(e.time) || filled(e.event))
  const updates = (fields.statusUpdates ?? []).filter((e) => filled(e.time) || filled(e.event))
  const roles = fields.roles
  const hasRoles = roles !== undefined && (filled(roles.commander) || filled(roles.communications))
  const actions = fields.actionItems.filter((a) => filled(a.action) || filled(a.owner) || filled(a.dueDate))
  const lines = [
    `# Incident Report: [${normalizeIncidentId(fields.incidentId)}]`,
    '',
    ...(filled(fields.title) ? [`**${inline(fields.title, '')}**`, ''] : []),
    '## Summary',
    `- **Severity**: ${inline(fields.severity, SUMMARY_PLACEHOLDERS.severity)}`,
    `- **Duration**: ${inline(fields.duration, SUMMARY_PLACEHOLDERS.duration)}`,
    `- **Impact**: ${inline(fields.impact, SUMMARY_PLACEHOLDERS.impact)}`,
    '',
    ...(hasRoles
      ? [
          '## Roles',
          `- **Incident Commander**: ${inline(roles.commander, '')}`.trimEnd(),
          `- **Communications Lead**: ${inline(roles.communications, '')}`.trimEnd(),
          '',
        ]
      : []),
    '## Timeline',
    '| Time (UTC) | Event |',
    '|------------|-------|',
    ...timeline.map((e) => `| ${cell(e.time)} | ${cell(e.event)} |`),
    '',
    ...(updates.length > 0
      ? [
          '## Status Updates',
          '| Time (UTC) | Update |',
          '|------------|--------|',
          ...updates.map((e) => `| ${cell(e.time)} | ${cell(e.event)} |`),
          '',
        ]
      : []),
    '## Root Cause',
    block(fields.rootCause),
    '',
    '## Resolution',
    block(fields.resolution),
    '',
    '## Action Items',
    '| Item | Owner | Due Date | Status |',
    '|------|-------|----------|--------|',
    ...actions.map(
      (a) => `| ${cell(a.action)} | ${cell(a.owner)} | ${cell(a.dueDate)} | ${cell(a.status)} |`,
    ),
    '',
    '## Lessons Learned',
    block(fields.lessonsLearned),
    '',
  ]
  return lines.join('\n')
}

// ---- Parsing (for graders reading a report written as a Markdown file) ----

function tableRows(section: string): string[][] {
  return section
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('|') && line.endsWith('|'))
    .map((line) =>
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((c) => c.trim().replace(/\\\|/g, '|')),
    )
    .slice(2) // header and separator
}

const placeholderText = (value: string) => (TEMPLATE_PLACEHOLDERS.has(value) ? '' : value)

function summaryValue(section: string, label: string): string {
  // Accepts "- **Severity**: P2" and "- **Severity:** P2".
  const match = new RegExp(`^\\s*[-*]\\s*\\*\\*${label}(?::\\*\\*|\\*\\*\\s*:)\\s*(.*)$`, 'im').exec(section)
  return placeholderText(match?.[1]?.trim() ?? '')
}

/**
 * Reads a report in the template's Markdown format back into fields, so a report written by
 * hand (for example in the incident lab) can be checked with `checkIncidentReport`. Unknown
 * sections are ignored; missing ones come back empty.
 */
export function parseIncidentMarkdown(markdown: string): IncidentReportFields {
  const text = markdown.replace(/\r\n/g, '\n')
  const heading = /^#\s+Incident Report:\s*\[?([^\]\n]*)\]?\s*$/m.exec(text)
  const sections = new Map<string, string>()
  const parts = text.split(/^##\s+/m).slice(1)
  for (const part of parts) {
    const newline = part.indexOf('\n')
    const name = (newline === -1 ? part : part.slice(0, newline)).trim().toLowerCase()
    sections.set(name, newline === -1 ? '' : part.slice(newline + 1).trim())
  }
  const preamble = text.split(/^##\s+/m)[0] ?? ''
  const title = /^\*\*(.+)\*\*\s*$/m.exec(preamble.replace(/^#.*$/m, ''))?.[1]?.trim() ?? ''
  const summary = sections.get('summary') ?? ''
  const severity = summaryValue(summary, 'Severity').toUpperCase()
  const incidentId = heading?.[1]?.trim() ?? ''
  return {
    incidentId: incidentId === 'INCIDENT-XXXX' ? '' : incidentId,
    title,
    severity: SEVERITIES.includes(severity as Severity) ? (severity as Severity) : '',
    duration: summaryValue(summary, 'Duration'),
    impact: summaryValue(summary, 'Impact'),
    timeline: tableRows(sections.get('timeline') ?? '').map(([time = '', event = '']) => ({ time, event })),
    rootCause: placeholderText(sections.get('root cause') ?? ''),
    resolution: placeholderText(sections.get('resolution') ?? ''),
    actionItems: tableRows(sections.get('action items') ?? '').map(
      ([action = '', owner = '', dueDate = '', status = '']) => ({
        action,
        owner,
        dueDate,
        status: ACTION_STATUSES.find((s) => s.toLowerCase() === status.toLowerCase()) ?? 'Open',
      }),
    ),
    lessonsLearned: placeholderText(sections.get('lessons learned') ?? ''),
    ...(sections.has('roles')
      ? {
          roles: {
            commander: summaryValue(sections.get('roles') ?? '', 'Incident Commander'),
            communications: summaryValue(sections.get('roles') ?? '', 'Communications Lead'),
          },
        }
      : {}),
    ...(sections.has('status updates')
      ? {
          statusUpdates: tableRows(sections.get('status updates') ?? '').map(([time = '', event = '']) => ({
            time,
            event,
          })),
        }
      : {}),
  }
}

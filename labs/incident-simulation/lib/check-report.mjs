// Lab 3, step 4: checks an incident report (Markdown) against the course's Incident Report
// Template and this sandbox's scenario. Runs on the grader with Debian's Node (no packages).
//   node check-report.mjs REPORT DEGRADED RATE_LIMITED AUTH_FAILED
// Prints FAIL:/HINT: lines and exits 1 when something is missing; exits 0 when complete.
import { readFileSync } from 'node:fs'

const [file, degraded, rateLimited, authFailed] = process.argv.slice(2)
if (!file || !degraded || !rateLimited || !authFailed) {
  console.log('FAIL: check-report.mjs needs REPORT DEGRADED RATE_LIMITED AUTH_FAILED (a lab bug: tell your instructor).')
  process.exit(2)
}

const text = readFileSync(file, 'utf8').replace(/\r\n?/g, '\n')
const lines = text.split('\n')
const problems = []
const hints = new Set()

// Sections: "## Name" up to the next heading of level 1 or 2. Fenced code is ignored, so the
// template pasted inside ``` does not count as a report.
const sections = new Map()
let current = null
let inFence = false
let title = null
for (const line of lines) {
  if (/^\s*(```|~~~)/.test(line)) {
    inFence = !inFence
    continue
  }
  if (inFence) continue
  const h1 = /^#\s+(.*)$/.exec(line)
  const h2 = /^##\s+(.*)$/.exec(line)
  if (h1) {
    title ??= h1[1].trim()
    current = null
  } else if (h2) {
    current = h2[1].trim().toLowerCase().replace(/\s+/g, ' ')
    if (!sections.has(current)) sections.set(current, [])
  } else if (current !== null) {
    sections.get(current).push(line)
  }
}

// Text that is still the template's own placeholder does not count as content.
const PLACEHOLDERS = [
  /^detailed explanation of what caused the incident\.?$/i,
  /^steps taken to resolve the incident\.?$/i,
  /^what we learned and how we can prevent similar incidents\.?$/i,
]
const meaningful = (body) =>
  body
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^\|?[\s:|-]+\|?$/.test(l) && !PLACEHOLDERS.some((p) => p.test(l)))

const titleMatch = title === null ? null : /^Incident Report:\s*(.*)$/i.exec(title)
if (!titleMatch) {
  problems.push('The report does not start with a "# Incident Report: ..." title.')
} else if (titleMatch[1].trim() === '' || /INCIDENT-XXXX/i.test(titleMatch[1])) {
  problems.push('The title still has no incident identifier or description after "# Incident Report:".')
}

const required = ['summary', 'timeline', 'root cause', 'resolution', 'action items', 'lessons learned']
const pretty = { summary: 'Summary', timeline: 'Timeline', 'root cause': 'Root Cause', resolution: 'Resolution', 'action items': 'Action Items', 'lessons learned': 'Lessons Learned' }
for (const name of required) {
  if (!sections.has(name)) {
    problems.push(`The "## ${pretty[name]}" section is missing.`)
    hints.add('Keep every heading of the template: Summary, Timeline, Root Cause, Resolution, Action Items, Lessons Learned.')
  } else if (meaningful(sections.get(name)).length === 0) {
    problems.push(`The "## ${pretty[name]}" section is empty (or still the template's placeholder).`)
  }
}

// Summary: Severity P1-P3, Duration with a time, Impact in words.
const summary = meaningful(sections.get('summary') ?? [])
if (sections.has('summary')) {
  const field = (name) => summary.find((l) => new RegExp(`\\b${name}\\b`, 'i').test(l))
  const valueOf = (line) => line.replace(/^[-*\s]*/, '').replace(/^\**\s*\w+\s*\**\s*:?\s*\**/, '').trim()
  const severity = field('severity')
  const levels = severity ? severity.match(/\bP[1-3]\b/gi) ?? [] : []
  if (!severity || new Set(levels.map((l) => l.toUpperCase())).size !== 1) {
    problems.push('Summary: give one Severity, P1, P2 or P3 (for example "- **Severity**: P2").')
    hints.add('Severity follows the course\'s definitions: P2 when more than 10% of requests or a key feature is affected.')
  }
  const duration = field('duration')
  if (!duration || !/\d/.test(valueOf(duration)) || /start\s*-\s*end/i.test(duration)) {
    problems.push('Summary: Duration needs the start and end (or the length) of the incident, e.g. "10:02 - 10:41 UTC (39 min)".')
  }
  const impact = field('impact')
  if (!impact || valueOf(impact).split(/\s+/).filter(Boolean).length < 3 || /description of user impact/i.test(impact)) {
    problems.push('Summary: Impact must describe the effect on users in a few words.')
  }
}

// Timeline: at least two timestamped entries (HH:MM, optionally with seconds or a date).
if (sections.has('timeline')) {
  const stamped = meaningful(sections.get('timeline')).filter((l) => /\b([01]?\d|2[0-3]):[0-5]\d\b/.test(l))
  if (stamped.length < 2) {
    problems.push(`Timeline: found ${stamped.length} timestamped entr${stamped.length === 1 ? 'y' : 'ies'}; at least 2 are needed (e.g. "| 10:02 | ProviderDegraded alert fired |").`)
    hints.add('Timestamps come from the logs (jq on /var/log/helixagent/helixagent.log), last_verified in /v1/providers/verification, and your own notes.')
  }
}

// Root cause: names each provider that this sandbox's faults hit.
if (sections.has('root cause')) {
  const cause = meaningful(sections.get('root cause')).join(' ').toLowerCase()
  const names = (id) => new RegExp(`\\b${id}\\b`, 'i').test(cause)
  const missing = [
    [degraded, 'the degraded provider (score below 7)'],
    [rateLimited, 'the rate-limited provider (HTTP 429)'],
    [authFailed, 'the provider whose key was revoked (HTTP 401)'],
  ].filter(([id]) => !names(id))
  for (const [, role] of missing) problems.push(`Root Cause: it does not name ${role}.`)
  if (missing.length > 0) hints.add('The root cause names each affected provider and what happened to it; your findings from the runbook\'s investigation are the evidence.')
}

// Action items: at least one item with an owner (@handle or "Owner: name"), not a template example row.
if (sections.has('action items')) {
  const items = meaningful(sections.get('action items')).filter((l) => !/^\|?\s*item\s*\|\s*owner\b/i.test(l))
  const owned = items.filter(
    (l) => (/@[\w.-]+/.test(l) || /owner\s*:\s*\S+/i.test(l)) && !/improve monitoring|add runbook/i.test(l),
  )
  if (owned.length === 0) {
    problems.push('Action Items: add at least one concrete item of your own with an owner (e.g. "| Alert when a provider\'s score stays below 7 for 5 min | @sre-oncall | 2026-12-15 | Open |").')
  }
}

if (problems.length > 0) {
  for (const p of problems) console.log(`FAIL: ${p}`)
  for (const h of hints) console.log(`HINT: ${h}`)
  process.exit(1)
}
console.log('OK: the incident report follows the template and names the affected providers.')

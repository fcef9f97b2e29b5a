// Lab 3, step 4: checks an incident report (Markdown) against the course's Incident Report
// Template and this sandbox's actual faults. Runs on the grader with Debian's Node (no packages).
//   node check-report.mjs REPORT WINDOWS PROVIDERS
// WINDOWS: "kind=provider:sinceEpoch:untilEpoch,..." (kind: degrade | rate_limit | auth), the
// faults of this sandbox and when each was live; PROVIDERS: every provider id, space-separated.
// Prints FAIL:/HINT: lines and exits 1 when something is missing or untrue; exits 0 when complete.
import { readFileSync } from 'node:fs'

const [file, windowArg, providerArg] = process.argv.slice(2)
const faults = (windowArg ?? '')
  .split(',')
  .filter(Boolean)
  .map((entry) => {
    const [kind, rest = ''] = entry.split('=')
    const [provider, since, until] = rest.split(':')
    return { kind, provider, since: Number(since), until: Number(until) }
  })
const allProviders = (providerArg ?? '').split(/\s+/).filter(Boolean)
if (
  !file ||
  faults.length === 0 ||
  faults.some((f) => !f.provider || !(f.since > 0) || !(f.until >= f.since)) ||
  allProviders.length === 0
) {
  console.log('FAIL: check-report.mjs needs REPORT WINDOWS PROVIDERS (a lab bug: tell your instructor).')
  process.exit(2)
}

/** How a report says each failure mode; a sentence about one provider may only claim its own. */
const MODES = {
  rate_limit: { words: /rate[\s-]?limit|\b429\b|throttl|too many requests/i, say: 'rate limited (HTTP 429)' },
  auth: {
    words:
      /revok|\b401\b|unauthori[sz]ed|auth(entication|orization)?\s+(fail|error)|(invalid|rejected|expired|wrong|bad|old)\s+(api[\s_-]?)?key|key\s+(was\s+|had\s+been\s+)?(rejected|invalid|expired)/i,
    say: 'its API key revoked (HTTP 401)',
  },
  degrade: {
    words: /degrad|\bscore\b|quality\s+(drop|fell|score|below)|low[\s-]quality/i,
    say: 'degraded (score below 7)',
  },
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
const pretty = {
  summary: 'Summary',
  timeline: 'Timeline',
  'root cause': 'Root Cause',
  resolution: 'Resolution',
  'action items': 'Action Items',
  'lessons learned': 'Lessons Learned',
}
for (const name of required) {
  if (!sections.has(name)) {
    problems.push(`The "## ${pretty[name]}" section is missing.`)
    hints.add(
      'Keep every heading of the template: Summary, Timeline, Root Cause, Resolution, Action Items, Lessons Learned.',
    )
  } else if (meaningful(sections.get(name)).length === 0) {
    problems.push(`The "## ${pretty[name]}" section is empty (or still the template's placeholder).`)
  }
}

// Summary: Severity P1-P3, Duration with a time, Impact in words.
const summary = meaningful(sections.get('summary') ?? [])
if (sections.has('summary')) {
  const field = (name) => summary.find((l) => new RegExp(`\\b${name}\\b`, 'i').test(l))
  const valueOf = (line) =>
    line
      .replace(/^[-*\s]*/, '')
      .replace(/^\**\s*\w+\s*\**\s*:?\s*\**/, '')
      .trim()
  const severity = field('severity')
  const levels = severity ? (severity.match(/\bP[1-3]\b/gi) ?? []) : []
  if (!severity || new Set(levels.map((l) => l.toUpperCase())).size !== 1) {
    problems.push('Summary: give one Severity, P1, P2 or P3 (for example "- **Severity**: P2").')
    hints.add(
      "Severity follows the course's definitions: P2 when more than 10% of requests or a key feature is affected.",
    )
  }
  const duration = field('duration')
  if (!duration || !/\d/.test(valueOf(duration)) || /start\s*-\s*end/i.test(duration)) {
    problems.push(
      'Summary: Duration needs the start and end (or the length) of the incident, e.g. "10:02 - 10:41 UTC (39 min)".',
    )
  }
  const impact = field('impact')
  if (
    !impact ||
    valueOf(impact).split(/\s+/).filter(Boolean).length < 3 ||
    /description of user impact/i.test(impact)
  ) {
    problems.push('Summary: Impact must describe the effect on users in a few words.')
  }
}

// Timeline: at least two timestamped entries (HH:MM, optionally with seconds or a date).
const TIME = /\b([01]?\d|2[0-3]):([0-5]\d)(?::[0-5]\d)?\b/g
const timeline = meaningful(sections.get('timeline') ?? [])
if (sections.has('timeline')) {
  const stamped = timeline.filter((l) => new RegExp(TIME.source).test(l))
  if (stamped.length < 2) {
    problems.push(
      `Timeline: found ${stamped.length} timestamped entr${stamped.length === 1 ? 'y' : 'ies'}; at least 2 are needed (e.g. "| 10:02 | ProviderDegraded alert fired |").`,
    )
    hints.add(
      'Timestamps come from the logs (jq on /var/log/helixagent/helixagent.log), last_verified in /v1/providers/verification, and your own notes.',
    )
  }
}

const namesProvider = (text, id) => new RegExp(`\\b${id}\\b`, 'i').test(text)
const minuteOfDay = (epoch) => Math.floor(epoch / 60) % 1440
/** Is HH:MM (UTC, date omitted) inside [since, until], with a minute of slack either side? */
function inWindow(hh, mm, since, until) {
  const t = Number(hh) * 60 + Number(mm)
  const from = minuteOfDay(since - 60)
  const span = Math.min(1439, Math.ceil((until - since + 120) / 60))
  return (t - from + 1440) % 1440 <= span
}
const utc = (epoch) => new Date(epoch * 1000).toISOString().slice(11, 16)

// Every faulted provider: a timeline entry that names it at a time its fault was live.
if (sections.has('timeline')) {
  for (const fault of faults) {
    const rows = timeline.filter((l) => namesProvider(l, fault.provider))
    const timed = rows.some((l) =>
      [...l.matchAll(TIME)].some((m) => inWindow(m[1], m[2], fault.since, fault.until)),
    )
    if (!timed) {
      problems.push(
        rows.length === 0
          ? `Timeline: no entry names ${fault.provider}, one of the providers this incident hit.`
          : `Timeline: the entries naming ${fault.provider} have no time (UTC) from this game day, which began at ${utc(fault.since)} UTC.`,
      )
      hints.add(
        'Each affected provider gets a timeline entry with the UTC time you saw or fixed its problem (your notes, the logs, last_verified).',
      )
    }
  }
}

// Root cause: each faulted provider with its own failure mode; nobody else blamed.
if (sections.has('root cause')) {
  const sentences = meaningful(sections.get('root cause'))
    .join(' ')
    .split(/(?<=[.;!?])\s+|\s*\|\s*|\s+-\s+|\n/)
    .filter((x) => x.trim() !== '')
  const modesIn = (sentence) => Object.keys(MODES).filter((kind) => MODES[kind].words.test(sentence))
  const faultOf = new Map(faults.map((f) => [f.provider, f.kind]))
  const blamed = new Set()
  for (const fault of faults) {
    const own = sentences.filter(
      (x) => namesProvider(x, fault.provider) && allProviders.filter((p) => namesProvider(x, p)).length === 1,
    )
    const stated = own.some((x) => modesIn(x).includes(fault.kind))
    const wrong = [...new Set(own.flatMap(modesIn))].filter((kind) => kind !== fault.kind)
    if (!stated && wrong.length === 0) {
      problems.push(
        sentences.some((x) => namesProvider(x, fault.provider))
          ? `Root Cause: say in a sentence of its own what happened to ${fault.provider} (its failure mode, as your investigation found it).`
          : `Root Cause: it does not name ${fault.provider}, one of the providers this incident hit.`,
      )
    }
    for (const kind of wrong)
      problems.push(`Root Cause: ${fault.provider} was not ${MODES[kind].say} in this incident.`)
  }
  for (const sentence of sentences) {
    const modes = modesIn(sentence)
    if (modes.length === 0) continue
    for (const p of allProviders) if (!faultOf.has(p) && namesProvider(sentence, p)) blamed.add(p)
  }
  for (const p of blamed)
    problems.push(`Root Cause: ${p} is blamed, but nothing was wrong with ${p} in this incident.`)
  if (problems.some((p) => p.startsWith('Root Cause'))) {
    hints.add(
      'The root cause names each affected provider and what happened to it, from the evidence of your investigation (verification results, logs, the fixes you made), and only those.',
    )
  }
}

// Action items: at least one item with an owner (@handle or "Owner: name"), not a template example row.
if (sections.has('action items')) {
  const items = meaningful(sections.get('action items')).filter((l) => !/^\|?\s*item\s*\|\s*owner\b/i.test(l))
  const owned = items.filter(
    (l) => (/@[\w.-]+/.test(l) || /owner\s*:\s*\S+/i.test(l)) && !/improve monitoring|add runbook/i.test(l),
  )
  if (owned.length === 0) {
    problems.push(
      'Action Items: add at least one concrete item of your own with an owner (e.g. "| Alert when a provider\'s score stays below 7 for 5 min | @sre-oncall | 2026-12-15 | Open |").',
    )
  }
}

if (problems.length > 0) {
  for (const p of problems) console.log(`FAIL: ${p}`)
  for (const h of hints) console.log(`HINT: ${h}`)
  process.exit(1)
}
console.log(
  'OK: the incident report follows the template and tells what happened to each affected provider, and when.',
)

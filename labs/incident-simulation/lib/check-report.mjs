// Lab 3, steps 4 and 8: checks an incident report (Markdown) against the course's Incident Report
// Template and this sandbox's actual faults. Runs on the grader with Debian's Node (no packages).
//   node check-report.mjs REPORT WINDOWS SUBJECTS [PROFILE]
// WINDOWS: "kind=subject:sinceEpoch:untilEpoch,..." the faults of this sandbox and when each was
// live; SUBJECTS: every provider (or host) id that could be blamed, space-separated.
// PROFILE: "providers" (step 4, the default: kinds degrade | rate_limit | auth) or
// "infrastructure" (step 8: kinds crash_loop | slow on an instance, primary_lost on pg-primary;
// the report also needs Roles and Status Updates, and the alert that fired for each fault).
// Prints FAIL:/HINT: lines and exits 1 when something is missing or untrue; exits 0 when complete.
import { readFileSync } from 'node:fs'

const [file, windowArg, providerArg, profileArg = 'providers'] = process.argv.slice(2)
const infra = profileArg === 'infrastructure'
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
  allProviders.length === 0 ||
  !['providers', 'infrastructure'].includes(profileArg)
) {
  console.log(
    'FAIL: check-report.mjs needs REPORT WINDOWS SUBJECTS [PROFILE] (a lab bug: tell your instructor).',
  )
  process.exit(2)
}

/** How a report says each failure mode; a sentence about one provider may only claim its own. */
const PROVIDER_MODES = {
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
/** Infrastructure: `on` says which subjects a mode can be claimed for (an instance is not "lost"). */
const INFRA_MODES = {
  crash_loop: {
    words:
      /crash[\s-]?loop|restart(ing)?\s+loop|kept\s+(crashing|restarting|exiting)|restarted\s+(every|again)|could\s+not\s+start|fail(ed|s)?\s+to\s+start|invalid\s+config|bad\s+(canary|release|deploy|config)|exit(ed|s)?\s+(with\s+)?(code|status)/i,
    say: 'crash looping',
    on: /^helixagent-/,
    alert: 'HelixAgentInstanceDown',
  },
  slow: {
    words:
      /\bslow|latenc|response\s+time|took\s+\d|p9[059]\b|\d\s*(ms|s|seconds?)\s+(per|for\s+each|to\s+answer)/i,
    say: 'slow',
    on: /^helixagent-/,
    alert: 'HelixAgentSlowInstance',
  },
  primary_lost: {
    words:
      /\blost\b|\bdown\b|died|\bdead\b|stopped|unreachable|went\s+away|shut\s*down|crash(ed)?\b|fail[\s-]?over|promot/i,
    say: 'lost',
    on: /^pg-primary$/,
    alert: 'PostgresPrimaryDown',
  },
}
const MODES = infra ? INFRA_MODES : PROVIDER_MODES
const noun = infra ? 'hosts' : 'providers'

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
if (infra) required.splice(1, 0, 'roles', 'status updates')
const pretty = {
  summary: 'Summary',
  roles: 'Roles',
  'status updates': 'Status Updates',
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
      infra
        ? 'Keep every heading of the template (Summary, Timeline, Root Cause, Resolution, Action Items, Lessons Learned) and add "## Roles" and "## Status Updates".'
        : 'Keep every heading of the template: Summary, Timeline, Root Cause, Resolution, Action Items, Lessons Learned.',
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
  } else if (infra && levels[0].toUpperCase() !== 'P1') {
    problems.push(
      'Summary: while the primary was lost no instance was ready, so the load balancer had nothing to send requests to: a complete outage is P1.',
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
          ? `Timeline: no entry names ${fault.provider}, one of the ${noun} this incident hit.`
          : `Timeline: the entries naming ${fault.provider} have no time (UTC) from this game day, which began at ${utc(fault.since)} UTC.`,
      )
      hints.add(
        infra
          ? 'Each affected host gets a timeline entry with the UTC time its alert fired or you fixed it (amtool shows when an alert started; your notes, the logs).'
          : 'Each affected provider gets a timeline entry with the UTC time you saw or fixed its problem (your notes, the logs, last_verified).',
      )
    }
    const alert = MODES[fault.kind]?.alert
    if (alert && !timeline.some((l) => l.includes(alert))) {
      problems.push(
        `Timeline: no entry names the alert that fired for ${fault.provider} (amtool alert query shows it).`,
      )
    }
  }
}

// Roles (infrastructure): who led and who communicated, each with a name or @handle.
if (infra && sections.has('roles')) {
  const roles = meaningful(sections.get('roles'))
  const holder = (role) =>
    roles.some((l) => role.test(l) && /[:|]\s*\**\s*(@[\w.-]+|[A-Za-z][\w.-]+)/.test(l.replace(role, '')))
  if (!holder(/incident\s+commander|\bcommander\b|\bIC\b/i))
    problems.push('Roles: name the Incident Commander (e.g. "- **Incident Commander**: @you").')
  if (!holder(/comm(s|unications?)(\s+lead)?/i))
    problems.push('Roles: name who ran communications (e.g. "- **Communications Lead**: @comms-oncall").')
}

// Status updates (infrastructure): at least two, timestamped, sent while the incident ran.
if (infra && sections.has('status updates')) {
  const since = Math.min(...faults.map((f) => f.since))
  const until = Math.max(...faults.map((f) => f.until))
  const updates = meaningful(sections.get('status updates')).filter((l) =>
    [...l.matchAll(TIME)].some((m) => inWindow(m[1], m[2], since, until)),
  )
  if (updates.length < 2) {
    problems.push(
      `Status Updates: found ${updates.length} update${updates.length === 1 ? '' : 's'} with a time (UTC) from this incident, which began at ${utc(since)} UTC; at least 2 are needed (e.g. "| 10:05 | Investigating: ... Next update 10:20 |").`,
    )
    hints.add('Post a status update when you declare the incident, at each change, and when it is resolved.')
  }
}

// Root cause: each faulted provider with its own failure mode; nobody else blamed.
if (sections.has('root cause')) {
  const sentences = meaningful(sections.get('root cause'))
    .join(' ')
    .split(/(?<=[.;!?])\s+|\s*\|\s*|\s+-\s+|\n/)
    .filter((x) => x.trim() !== '')
  const modesIn = (sentence, subject) =>
    Object.keys(MODES).filter(
      (kind) => MODES[kind].words.test(sentence) && (!MODES[kind].on || MODES[kind].on.test(subject)),
    )
  const faultOf = new Map(faults.map((f) => [f.provider, f.kind]))
  const blamed = new Set()
  for (const fault of faults) {
    const own = sentences.filter(
      (x) => namesProvider(x, fault.provider) && allProviders.filter((p) => namesProvider(x, p)).length === 1,
    )
    const stated = own.some((x) => modesIn(x, fault.provider).includes(fault.kind))
    const wrong = [...new Set(own.flatMap((x) => modesIn(x, fault.provider)))].filter(
      (kind) => kind !== fault.kind,
    )
    if (!stated && wrong.length === 0) {
      problems.push(
        sentences.some((x) => namesProvider(x, fault.provider))
          ? `Root Cause: say in a sentence of its own what happened to ${fault.provider} (its failure mode, as your investigation found it).`
          : `Root Cause: it does not name ${fault.provider}, one of the ${noun} this incident hit.`,
      )
    }
    for (const kind of wrong)
      problems.push(`Root Cause: ${fault.provider} was not ${MODES[kind].say} in this incident.`)
  }
  for (const sentence of sentences) {
    for (const p of allProviders)
      if (!faultOf.has(p) && namesProvider(sentence, p) && modesIn(sentence, p).length > 0) blamed.add(p)
  }
  for (const p of blamed)
    problems.push(`Root Cause: ${p} is blamed, but nothing was wrong with ${p} in this incident.`)
  if (problems.some((p) => p.startsWith('Root Cause'))) {
    hints.add(
      infra
        ? 'The root cause names each affected host and what happened to it (crash loop, slow, lost), one host per sentence, from the evidence of your investigation, and only those.'
        : 'The root cause names each affected provider and what happened to it, from the evidence of your investigation (verification results, logs, the fixes you made), and only those.',
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
  `OK: the incident report follows the template and tells what happened to each affected ${infra ? 'host' : 'provider'}, and when.`,
)

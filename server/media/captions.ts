// Captions an author uploads or edits: WebVTT as is, SRT converted to WebVTT, both validated
// with errors that name the line, so a fix is a matter of going to that line.
// No 'server-only': the media worker and the tests use it outside Next.js.

export interface CaptionProblem {
  line: number
  message: string
}

export interface CaptionCue {
  startS: number
  endS: number
  text: string
}

export type CaptionsResult =
  { ok: true; vtt: string; cues: CaptionCue[] } | { ok: false; problems: CaptionProblem[] }

const VTT_TIME = /^(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})$/
const SRT_TIMING = /^\s*(\d{1,2}:\d{2}:\d{2}[,.]\d{3})\s*-->\s*(\d{1,2}:\d{2}:\d{2}[,.]\d{3})(.*)$/
const MAX_CUES = 10_000

function parseVttTime(value: string): number | null {
  const match = VTT_TIME.exec(value)
  if (!match) return null
  const [, h = '0', m = '0', s = '0', ms = '0'] = match
  return Number(h) * 3600 + Number(m) * 60 + Number(s) + Number(ms) / 1000
}

export function formatVttTime(seconds: number): string {
  const ms = Math.round(seconds * 1000)
  const h = Math.floor(ms / 3_600_000)
  const m = Math.floor((ms % 3_600_000) / 60_000)
  const s = Math.floor((ms % 60_000) / 1000)
  const pad = (n: number, w = 2) => String(n).padStart(w, '0')
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(ms % 1000, 3)}`
}

function normalise(text: string): string[] {
  return text
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .split('\n')
}

/** Whether the text is SubRip: no WEBVTT header, and its first cue is a number then an SRT timing. */
export function looksLikeSrt(text: string): boolean {
  const lines = normalise(text).filter(
    (l, i, all) => l.trim() !== '' || all.slice(0, i).some((x) => x.trim()),
  )
  return !/^WEBVTT/.test(lines[0] ?? '') && /^\d+\s*$/.test(lines[0] ?? '') && SRT_TIMING.test(lines[1] ?? '')
}

/**
 * SRT → WebVTT: the header, `.` for the milliseconds comma, and SRT's numeric counters kept as
 * cue identifiers. Line numbers stay the same plus two (the header and its blank line), which
 * the error messages of `validateVtt` take back off for a converted file.
 */
export function srtToVtt(text: string): string {
  const lines = normalise(text).map((line) => {
    const timing = SRT_TIMING.exec(line)
    if (!timing) return line
    const [, start = '', end = '', rest = ''] = timing
    const fix = (t: string) => t.replace(',', '.').padStart(12, '0')
    return `${fix(start)} --> ${fix(end)}${rest}`
  })
  return ['WEBVTT', '', ...lines].join('\n')
}

/** Validates WebVTT cue by cue; `lineOffset` maps reported lines back to the author's file. */
export function validateVtt(text: string, { lineOffset = 0 } = {}): CaptionsResult {
  const lines = normalise(text)
  const problems: CaptionProblem[] = []
  const report = (index: number, message: string) =>
    problems.push({ line: Math.max(1, index + 1 - lineOffset), message })
  if (!/^WEBVTT(?:[ \t].*)?$/.test(lines[0] ?? '')) {
    report(
      0,
      'the file must start with "WEBVTT" (or be an SRT file: a number, then a "00:00:01,000 --> 00:00:02,000" line)',
    )
    return { ok: false, problems }
  }
  const cues: CaptionCue[] = []
  let i = 1
  // Header text runs to the first blank line.
  while (i < lines.length && lines[i]?.trim() !== '') i++
  while (i < lines.length) {
    while (i < lines.length && lines[i]?.trim() === '') i++
    if (i >= lines.length) break
    const blockStart = i
    const block: string[] = []
    while (i < lines.length && lines[i]?.trim() !== '') block.push(lines[i++] ?? '')
    const first = block[0] ?? ''
    if (/^(NOTE|STYLE|REGION)(\s|$)/.test(first)) continue
    const timingIndex = first.includes('-->') ? 0 : 1
    const timingLine = block[timingIndex]
    if (timingLine === undefined || !timingLine.includes('-->')) {
      report(
        blockStart + timingIndex,
        `expected a cue timing like "00:00:01.000 --> 00:00:04.000", found "${(timingLine ?? first).slice(0, 60)}"`,
      )
      continue
    }
    const [startText = '', rest = ''] = timingLine.split('-->').map((p) => p.trim())
    const endText = rest.split(/\s+/)[0] ?? ''
    const start = parseVttTime(startText)
    const end = parseVttTime(endText)
    const at = blockStart + timingIndex
    if (start === null)
      report(at, `start time "${startText}" is not a WebVTT time (hh:mm:ss.mmm or mm:ss.mmm)`)
    if (end === null) report(at, `end time "${endText}" is not a WebVTT time (hh:mm:ss.mmm or mm:ss.mmm)`)
    if (start === null || end === null) continue
    if (end <= start) report(at, `the cue ends (${endText}) before or when it starts (${startText})`)
    const previous = cues.at(-1)
    if (previous && start < previous.startS) {
      report(
        at,
        `the cue starts (${startText}) before the one above it (${formatVttTime(previous.startS)}); cues must be in time order`,
      )
    }
    const cueText = block
      .slice(timingIndex + 1)
      .join('\n')
      .trim()
    if (!cueText) report(at, 'the cue has no text: add a line of text under the timing, or remove the cue')
    cues.push({ startS: start, endS: end, text: cueText })
    if (cues.length > MAX_CUES) {
      report(at, `too many cues (more than ${MAX_CUES})`)
      break
    }
  }
  if (problems.length === 0 && cues.length === 0) report(0, 'the file has no cues')
  if (problems.length) return { ok: false, problems }
  return { ok: true, vtt: `${lines.join('\n').trimEnd()}\n`, cues }
}

/** Captions as uploaded (WebVTT or SRT, told apart by content) → validated WebVTT. */
export function parseCaptions(text: string): CaptionsResult {
  if (looksLikeSrt(text)) return validateVtt(srtToVtt(text), { lineOffset: 2 })
  return validateVtt(text)
}

export function describeCaptionProblems(problems: readonly CaptionProblem[]): string {
  return problems.map((p) => `line ${p.line}: ${p.message}`).join('\n')
}

// Chapters of a lesson video: edited as one "m:ss Title" line each, proposed from the lesson's
// headings. No 'server-only': the worker and the tests use it too.

export interface MediaChapter {
  startS: number
  title: string
}

export type ChaptersResult = { ok: true; chapters: MediaChapter[] } | { ok: false; problems: string[] }

const LINE = /^(?:(\d+):)?(\d{1,2}):(\d{2})\s+(.+)$/

export function formatChapterTime(seconds: number): string {
  const total = Math.floor(seconds)
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = String(total % 60).padStart(2, '0')
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`
}

export function chaptersToText(chapters: readonly MediaChapter[]): string {
  return chapters.map((c) => `${formatChapterTime(c.startS)} ${c.title}`).join('\n')
}

/** "m:ss Title" lines → chapters, with line-numbered problems; blank lines are ignored. */
export function parseChaptersText(
  text: string,
  { durationS }: { durationS?: number | null } = {},
): ChaptersResult {
  const problems: string[] = []
  const chapters: MediaChapter[] = []
  text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .forEach((raw, index) => {
      const line = raw.trim()
      if (!line) return
      const match = LINE.exec(line)
      if (!match) {
        problems.push(
          `line ${index + 1}: expected "m:ss Title" (e.g. "1:30 Failover"), found "${line.slice(0, 60)}"`,
        )
        return
      }
      const [, h = '0', m = '0', s = '0', title = ''] = match
      const startS = Number(h) * 3600 + Number(m) * 60 + Number(s)
      if (Number(s) > 59) problems.push(`line ${index + 1}: seconds must be 00–59`)
      if (title.length > 200) problems.push(`line ${index + 1}: the title is too long (max 200 characters)`)
      if (durationS && startS >= durationS) {
        problems.push(
          `line ${index + 1}: ${formatChapterTime(startS)} is past the end of the video (${formatChapterTime(durationS)})`,
        )
      }
      const previous = chapters.at(-1)
      if (previous && startS <= previous.startS) {
        problems.push(
          `line ${index + 1}: chapters must be in time order (${formatChapterTime(startS)} is not after ${formatChapterTime(previous.startS)})`,
        )
      }
      chapters.push({ startS, title: title.trim() })
    })
  if (chapters.length > 200) problems.push('too many chapters (max 200)')
  return problems.length ? { ok: false, problems } : { ok: true, chapters }
}

/**
 * Chapters proposed from the lesson's level-2 headings: each starts where its heading sits in
 * the notes, as a share of the words, times the video's length (narration follows the notes),
 * rounded to whole seconds. The first always starts at 0.
 */
export function proposeChapters(source: string, durationS: number): MediaChapter[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n')
  const words = (s: string) => s.split(/\s+/).filter(Boolean).length
  const total = Math.max(1, words(lines.join(' ')))
  const chapters: MediaChapter[] = []
  let seen = 0
  let inCode = false
  for (const line of lines) {
    if (/^\s*(```|~~~)/.test(line)) inCode = !inCode
    const heading = inCode ? null : /^##\s+(.+?)\s*#*\s*$/.exec(line)
    if (heading?.[1]) {
      const startS = chapters.length === 0 ? 0 : Math.floor((seen / total) * durationS)
      if (chapters.length === 0 || startS > (chapters.at(-1)?.startS ?? 0)) {
        chapters.push({ startS, title: heading[1].replace(/[*_`]/g, '') })
      }
    }
    seen += words(line)
  }
  return chapters
}

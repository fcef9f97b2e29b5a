// Turns a lesson's MDX into the slides and narration of its generated video. Pure text processing
// (no network, no randomness): the same lesson always gives the same script, so the content hash
// of the lesson is a sound cache key for the video (docs/decisions/036-generated-lesson-videos.md).

export interface CodeSample {
  lang: string
  title?: string
  lines: string[]
}

export type SlideBody =
  | { kind: 'title'; module: string; video: string; topics: string[] }
  | { kind: 'diagram'; name: string; fallback?: CodeSample }
  | { kind: 'points'; points: string[] }
  | { kind: 'code'; code: CodeSample }
  | { kind: 'callout'; tone: string; text: string }
  | { kind: 'recap'; points: string[] }

export type Slide = SlideBody & {
  /** The chapter this slide belongs to (one per section, plus the introduction and the recap). */
  chapter: string
  heading: string
  /** Sentences spoken over the slide; each becomes one caption cue. */
  narration: string[]
}

export interface LessonInfo {
  slug: string
  title: string
  video: string
  moduleTitle: string
  topics: string[]
  labs: string[]
  source: string
}

type Block =
  | { type: 'heading'; level: number; text: string }
  | { type: 'paragraph'; text: string }
  | { type: 'list'; items: string[] }
  | { type: 'code'; code: CodeSample }
  | { type: 'callout'; tone: string; title: string; text: string }
  | { type: 'diagram'; name: string }
  | { type: 'steps'; items: string[] }

const FRONTMATTER = /^---\r?\n[\s\S]*?\r?\n---\r?\n?/
const MAX_POINTS = 5
const MAX_CODE_LINES = 16
const MAX_CODE_COLUMNS = 88
const MAX_POINT_CHARS = 110
const MAX_SECTION_SENTENCES = 6

/** Markdown inline syntax and JSX leftovers removed, for slides, captions and speech alike. */
export function plainText(markdown: string): string {
  return markdown
    .replace(/<[^>]+>/g, ' ')
    .replace(/!\[[^\]]*\]\([^)]*\)/g, '')
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
    .replace(/\*\*([^*]+)\*\*/g, '$1')
    .replace(/(^|[\s(])[*_]([^*_\s][^*_]*)[*_](?=[\s).,;:!?]|$)/g, '$1$2')
    .replace(/`([^`]+)`/g, '$1')
    .replace(/\s+/g, ' ')
    .trim()
}

const ABBREVIATIONS = ['e.g.', 'i.e.', 'etc.', 'vs.', 'approx.', 'cf.']

/** Sentences of a plain-text paragraph; abbreviations and decimal numbers do not end one. */
export function sentences(text: string): string[] {
  let guarded = text
  ABBREVIATIONS.forEach((abbr, i) => {
    guarded = guarded.split(abbr).join(`\u0000${i}\u0000`)
  })
  return guarded
    .split(/(?<=[.!?])\s+(?=["'(]?[A-Z0-9])/)
    .map((s) => s.replace(/\u0000(\d+)\u0000/g, (_, i: string) => ABBREVIATIONS[Number(i)]!).trim())
    .filter((s) => /[A-Za-z0-9]/.test(s))
}

function firstSentence(markdown: string): string {
  return sentences(plainText(markdown))[0] ?? ''
}

function shorten(text: string, max: number): string {
  if (text.length <= max) return text
  const cut = text.slice(0, max - 1)
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), max / 2))}…`
}

function attribute(tag: string, name: string): string | undefined {
  return new RegExp(`${name}="([^"]*)"`).exec(tag)?.[1]
}

/** The lesson body as a flat list of blocks; fenced code is never parsed as Markdown. */
export function parseBlocks(source: string): Block[] {
  const lines = source.replace(FRONTMATTER, '').split(/\r?\n/)
  const blocks: Block[] = []
  let i = 0
  const isBlank = (line: string | undefined) => line === undefined || line.trim() === ''
  while (i < lines.length) {
    const line = lines[i]!
    const fence = /^(\s*)(`{3,}|~{3,})\s*([\w+-]*)(.*)$/.exec(line)
    if (fence) {
      const marker = fence[2]!
      const body: string[] = []
      i += 1
      while (i < lines.length && !new RegExp(`^\\s*${marker[0]}{${marker.length},}\\s*$`).test(lines[i]!)) {
        body.push(lines[i]!.slice(Math.min(fence[1]!.length, /^\s*/.exec(lines[i]!)![0].length)))
        i += 1
      }
      i += 1
      blocks.push({
        type: 'code',
        code: { lang: fence[3] ?? '', title: attribute(fence[4] ?? '', 'title'), lines: body },
      })
      continue
    }
    const heading = /^(#{1,6})\s+(.+)$/.exec(line)
    if (heading) {
      blocks.push({ type: 'heading', level: heading[1]!.length, text: plainText(heading[2]!) })
      i += 1
      continue
    }
    const diagram = /^<Diagram\b[^>]*\/>/.exec(line)
    if (diagram) {
      blocks.push({ type: 'diagram', name: attribute(line, 'name') ?? '' })
      i += 1
      continue
    }
    const component = /^<(Callout|Steps)\b([^>]*)>/.exec(line)
    if (component) {
      const [name, attrs] = [component[1]!, component[2] ?? '']
      const body: string[] = []
      i += 1
      while (i < lines.length && !lines[i]!.startsWith(`</${name}>`)) {
        body.push(lines[i]!)
        i += 1
      }
      i += 1
      if (name === 'Callout') {
        const text = plainText(body.filter((l) => !/^\s*(```|- |\d+\. )/.test(l)).join(' '))
        blocks.push({
          type: 'callout',
          tone: attribute(attrs, 'type') ?? 'note',
          title: attribute(attrs, 'title') ?? '',
          text,
        })
      } else {
        const items = body
          .map((l) => /<Step\b[^>]*title="([^"]*)"/.exec(l)?.[1])
          .filter((t): t is string => !!t)
        blocks.push({ type: 'steps', items: items.map(plainText) })
      }
      continue
    }
    if (/^\s*([-*]|\d+\.)\s+/.test(line)) {
      const items: string[] = []
      while (i < lines.length && !isBlank(lines[i]) && !/^\s*(`{3,}|~{3,})/.test(lines[i]!)) {
        const item = /^([-*]|\d+\.)\s+(.*)$/.exec(lines[i]!)
        if (item) items.push(item[2]!)
        else if (items.length > 0) items[items.length - 1] += ` ${lines[i]!.trim()}`
        i += 1
      }
      blocks.push({ type: 'list', items })
      continue
    }
    if (isBlank(line) || line.startsWith('|') || /^<\/?[A-Za-z]/.test(line) || line.startsWith('import ')) {
      // Tables and other components are left to the page; the video narrates prose.
      i += 1
      continue
    }
    const paragraph: string[] = []
    while (i < lines.length && !isBlank(lines[i]) && !/^(#|```|~~~|<|\||\s*([-*]|\d+\.)\s)/.test(lines[i]!)) {
      paragraph.push(lines[i]!)
      i += 1
    }
    blocks.push({ type: 'paragraph', text: paragraph.join(' ') })
  }
  return blocks
}

function codeSample(code: CodeSample): CodeSample {
  const lines = code.lines.slice(0, MAX_CODE_LINES).map((l) => shorten(l, MAX_CODE_COLUMNS))
  if (code.lines.length > MAX_CODE_LINES) lines.push('…')
  return { ...code, lines }
}

/** A list item as a slide point: its bold lead ("**N+1.** With three…" gives "N+1") or its start. */
function point(item: string): string {
  const lead = /^\*\*([^*]+?)[.:]?\*\*/.exec(item)
  return shorten(plainText(lead ? lead[1]! : firstSentence(item) || item), MAX_POINT_CHARS)
}

function describeCode(code: CodeSample, before: Block | undefined): string {
  if (before?.type === 'paragraph') {
    const last = sentences(plainText(before.text)).at(-1)
    if (last) return last.replace(/:$/, '.')
  }
  return code.title ? `Here is ${plainText(code.title)}.` : 'Here is the example from the notes.'
}

interface Section {
  heading: string
  blocks: Block[]
}

function sectionSlides(section: Section): Slide[] {
  const { heading, blocks } = section
  const chapter = heading
  const slides: Slide[] = []
  const paragraphs = blocks.filter((b) => b.type === 'paragraph')
  const list = blocks.find((b) => b.type === 'list' || b.type === 'steps')
  const narration: string[] = []
  const opening = paragraphs[0] ? firstSentence(paragraphs[0].text) : ''
  if (opening) narration.push(opening)
  let points: string[]
  if (list) {
    const items = list.items.slice(0, MAX_POINTS)
    points = items.map(point)
    for (const item of items) {
      if (narration.length >= MAX_SECTION_SENTENCES) break
      const lead = /^\*\*([^*]+?)\*\*\s*(.*)$/.exec(item)
      const spoken = lead
        ? [plainText(lead[1]!), firstSentence(lead[2]!)]
        : [firstSentence(item) || plainText(item)]
      narration.push(spoken.filter(Boolean).join(' '))
    }
  } else {
    points = paragraphs.slice(0, MAX_POINTS).map((p) => shorten(firstSentence(p.text), MAX_POINT_CHARS))
    for (const p of paragraphs.slice(1, MAX_SECTION_SENTENCES)) narration.push(firstSentence(p.text))
  }
  const subheadings = blocks.filter((b) => b.type === 'heading').map((b) => b.text)
  if (points.length === 0) points = subheadings.slice(0, MAX_POINTS)
  slides.push({
    kind: 'points',
    chapter,
    heading,
    points: points.filter(Boolean),
    narration: [`${heading}.`, ...narration.filter(Boolean)],
  })

  const codeIndex = blocks.findIndex(
    (b) => b.type === 'code' && b.code.lines.length > 0 && b.code.lang !== 'markdown',
  )
  const code = blocks[codeIndex]
  if (code?.type === 'code') {
    slides.push({
      kind: 'code',
      chapter,
      heading: code.code.title ? plainText(code.code.title) : heading,
      code: codeSample(code.code),
      narration: [describeCode(code.code, blocks[codeIndex - 1])],
    })
  }
  const callout = blocks.find((b) => b.type === 'callout')
  if (callout?.type === 'callout' && callout.text) {
    const said = sentences(callout.text).slice(0, 2)
    slides.push({
      kind: 'callout',
      chapter,
      heading: callout.title || heading,
      tone: callout.tone,
      text: said.join(' '),
      narration: [...(callout.title ? [`${callout.title}.`] : []), ...said],
    })
  }
  return slides
}

/** The full script of a lesson's video: title, diagram, each section, recap. */
export function lessonScript(lesson: LessonInfo): Slide[] {
  const blocks = parseBlocks(lesson.source)
  const firstSection = blocks.findIndex((b) => b.type === 'heading' && b.level === 2)
  const intro = firstSection === -1 ? blocks : blocks.slice(0, firstSection)
  const sections: Section[] = []
  for (const block of firstSection === -1 ? [] : blocks.slice(firstSection)) {
    if (block.type === 'heading' && block.level === 2) sections.push({ heading: block.text, blocks: [] })
    else sections.at(-1)!.blocks.push(block)
  }

  const introChapter = 'Introduction'
  const introSentences = intro
    .filter((b) => b.type === 'paragraph')
    .flatMap((b) => sentences(plainText(b.text)))
    .slice(0, 3)
  const slides: Slide[] = [
    {
      kind: 'title',
      chapter: introChapter,
      heading: lesson.title,
      module: lesson.moduleTitle,
      video: lesson.video,
      topics: lesson.topics,
      narration: [`Lesson ${lesson.video}: ${lesson.title}.`, ...introSentences],
    },
  ]
  const diagram = intro.find((b) => b.type === 'diagram') ?? blocks.find((b) => b.type === 'diagram')
  if (diagram?.type === 'diagram') {
    // The text drawing the notes keep beside the diagram stands in when it cannot be drawn.
    const ascii = intro.find((b) => b.type === 'code' && b.code.lang === 'text')
    slides.push({
      kind: 'diagram',
      chapter: introChapter,
      heading: 'The architecture',
      name: diagram.name,
      fallback: ascii?.type === 'code' ? { ...ascii.code, lines: ascii.code.lines } : undefined,
      narration: ['The diagram shows the architecture this lesson works with.'],
    })
  }
  for (const section of sections) slides.push(...sectionSlides(section))
  const headings = sections.map((s) => s.heading)
  slides.push({
    kind: 'recap',
    chapter: 'Recap',
    heading: 'Recap',
    points: headings.slice(0, 8),
    narration: [
      `To recap, this lesson covered ${headings.length > 1 ? `${headings.slice(0, -1).join(', ')} and ${headings.at(-1)}` : (headings[0] ?? lesson.title)}.`,
      lesson.labs.length > 0
        ? 'Read the full notes below the video, then practise it in the lab.'
        : 'Read the full notes below the video for the details.',
    ],
  })
  return slides
}

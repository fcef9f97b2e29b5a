// The course content must carry the seed faithfully: all 7 modules and 19 lessons in the seed's
// order with its titles, durations and topics, and every seed code block verbatim in the
// rendered lesson HTML.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { renderToStaticMarkup } from 'react-dom/server'
import { beforeAll, describe, expect, it } from 'vitest'
import { MdxContent } from '@/app/_components/mdx/mdx-content'
import { compileMdx, setMdxCacheDir } from './compile-mdx'
import { loadCourse, type Course } from './load-content'
import { parseSeedBlocks, parseSeedOutline } from './seed-blocks'

const seedPath = path.resolve(import.meta.dirname, '../../docs/course-outline/course-09-production-operations.md')
const seed = readFileSync(seedPath, 'utf8')

function decodeEntities(html: string): string {
  return html
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&amp;/g, '&')
}

/** The visible text of every <pre> in the HTML, with its data-lang. */
function renderedBlocks(html: string): { lang: string; text: string }[] {
  const blocks: { lang: string; text: string }[] = []
  for (const match of html.matchAll(/<pre([^>]*)>([\s\S]*?)<\/pre>/g)) {
    const lang = /data-lang="([^"]*)"/.exec(match[1] ?? '')?.[1] ?? ''
    // Shiki puts each line in a <span class="line">, separated by newlines.
    blocks.push({ lang, text: decodeEntities((match[2] ?? '').replace(/<[^>]+>/g, '')) })
  }
  return blocks
}

let course: Course

beforeAll(async () => {
  setMdxCacheDir(path.join(import.meta.dirname, '../../.data/test-mdx-cache'))
  course = await loadCourse('production-operations')
})

describe('course structure', () => {
  it('has the seed’s 7 modules and 19 lessons, in order, with titles, durations and topics', () => {
    const outline = parseSeedOutline(seed)
    expect(outline).toHaveLength(19)
    expect(course.modules.map((m) => m.title)).toEqual([...new Set(outline.map((v) => v.moduleTitle))])
    expect(course.lessons.map((l) => [l.video, l.title, l.durationMinutes, l.topics])).toEqual(
      outline.map((v) => [v.video, v.title, v.durationMinutes, v.topics]),
    )
    expect(course.lessons.map((l) => l.moduleTitle)).toEqual(outline.map((v) => v.moduleTitle))
  })

  it('has a knowledge check per module with a pool of at least 12 questions, 6 drawn per attempt', () => {
    for (const m of course.modules) {
      expect(m.quiz.questions.length, m.slug).toBeGreaterThanOrEqual(12)
      expect(m.quiz.questionsPerAttempt, m.slug).toBe(6)
    }
  })
})

describe('seed code blocks', () => {
  it('appear verbatim, with the same language, in the rendered lesson of their video', async () => {
    const blocks = parseSeedBlocks(seed).filter((b) => b.video)
    expect(blocks.length).toBeGreaterThanOrEqual(19)
    const html = new Map<string, string>()
    for (const lesson of course.lessons) {
      const compiled = await compileMdx(lesson.source, lesson.file)
      html.set(lesson.video, renderToStaticMarkup(<MdxContent code={compiled.code} />))
    }
    const missing = blocks.filter((block) => {
      const rendered = renderedBlocks(html.get(block.video!) ?? '')
      return !rendered.some((r) => r.text === block.code && r.lang === block.lang)
    })
    expect(missing.map((b) => `${b.video} ${b.lang}: ${b.code.slice(0, 60)}`)).toEqual([])
  })
})

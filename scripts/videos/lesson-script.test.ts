import { describe, expect, it } from 'vitest'
import { cuesFor } from './generate-videos'
import { lessonScript, sentences, type LessonInfo } from './lesson-script'

const lesson = (body: string): LessonInfo => ({
  slug: 'demo',
  title: 'Demo Lesson',
  video: '9.1',
  moduleTitle: 'Demo Module',
  topics: ['One'],
  labs: [],
  source: `---\nslug: demo\n---\n${body}`,
})

describe('lessonScript', () => {
  it('makes a title, one slide per section with its points, code and callout, and a recap', () => {
    const slides = lessonScript(
      lesson(
        [
          'Intro sentence one. Intro sentence two.',
          '',
          '## Failover',
          '',
          'Failover is detection plus redirection. More detail here.',
          '',
          '- **Detect.** Health checks notice it.',
          '- **Redirect.** Traffic moves away.',
          '',
          'Look at the config:',
          '',
          '```text title="haproxy.cfg"',
          'backend app',
          '```',
          '',
          '<Callout type="warning" title="Careful">',
          'Do not lie in health checks. Ever.',
          '</Callout>',
        ].join('\n'),
      ),
    )
    expect(slides.map((s) => [s.kind, s.chapter])).toEqual([
      ['title', 'Introduction'],
      ['points', 'Failover'],
      ['code', 'Failover'],
      ['callout', 'Failover'],
      ['recap', 'Recap'],
    ])
    expect(slides[0]!.narration).toEqual([
      'Lesson 9.1: Demo Lesson.',
      'Intro sentence one.',
      'Intro sentence two.',
    ])
    expect(slides[1]).toMatchObject({
      points: ['Detect', 'Redirect'],
      narration: [
        'Failover.',
        'Failover is detection plus redirection.',
        'Detect. Health checks notice it.',
        'Redirect. Traffic moves away.',
      ],
    })
    expect(slides[2]).toMatchObject({
      heading: 'haproxy.cfg',
      code: { lines: ['backend app'] },
      narration: ['Look at the config.'],
    })
    expect(slides[3]).toMatchObject({
      heading: 'Careful',
      narration: ['Careful.', 'Do not lie in health checks.', 'Ever.'],
    })
  })

  it('never reads headings inside fenced code as sections', () => {
    const slides = lessonScript(
      lesson(
        [
          '## Runbooks',
          '',
          'A runbook:',
          '',
          '````markdown',
          '# Runbook',
          '## Symptoms',
          '```bash',
          'x',
          '```',
          '````',
        ].join('\n'),
      ),
    )
    expect(slides.map((s) => s.chapter)).toEqual(['Introduction', 'Runbooks', 'Recap'])
  })
})

describe('sentences', () => {
  it('keeps abbreviations and decimals inside a sentence', () => {
    expect(sentences('Use a pooler, e.g. PgBouncer 1.21 works. Then test it.')).toEqual([
      'Use a pooler, e.g. PgBouncer 1.21 works.',
      'Then test it.',
    ])
  })
})

describe('cuesFor', () => {
  it('splits a long sentence at clause boundaries into back-to-back cues that end with it', () => {
    const text =
      'It is never "no failures"; it is a design in which every component that can fail has a replacement, a way to notice the failure, and a way to move traffic.'
    const cues = cuesFor(text, 10, 20)
    expect(cues.length).toBeGreaterThan(1)
    expect(cues.map((c) => c.text).join(' ')).toBe(text)
    expect(cues[0]!.startS).toBe(10)
    expect(cues.at(-1)!.endS).toBe(20)
    cues.forEach((c, i) => {
      expect(c.text.length).toBeLessThanOrEqual(90)
      if (i > 0) expect(c.startS).toBe(cues[i - 1]!.endS)
    })
  })
})

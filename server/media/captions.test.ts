import { describe, expect, it } from 'vitest'
import { describeCaptionProblems, looksLikeSrt, parseCaptions, srtToVtt, validateVtt } from './captions'
import { parseChaptersText, proposeChapters } from './chapters'

const srt = `1
00:00:01,000 --> 00:00:03,500
Welcome to the lesson.

2
00:00:04,000 --> 00:00:06,000
Redundancy removes
single points of failure.
`

describe('captions', () => {
  it('converts SRT to WebVTT with dotted milliseconds and keeps every cue', () => {
    expect(looksLikeSrt(srt)).toBe(true)
    const result = parseCaptions(srt)
    if (!result.ok) throw new Error(describeCaptionProblems(result.problems))
    expect(result.vtt.startsWith('WEBVTT\n\n1\n00:00:01.000 --> 00:00:03.500\n')).toBe(true)
    expect(result.cues).toEqual([
      { startS: 1, endS: 3.5, text: 'Welcome to the lesson.' },
      { startS: 4, endS: 6, text: 'Redundancy removes\nsingle points of failure.' },
    ])
  })

  it('accepts WebVTT with short times, NOTE blocks, cue settings and CRLF line ends', () => {
    const vtt =
      'WEBVTT - lesson\r\n\r\nNOTE made by hand\r\n\r\n00:01.000 --> 00:02.000 align:start\r\nHi\r\n'
    const result = validateVtt(vtt)
    expect(result.ok && result.cues).toEqual([{ startS: 1, endS: 2, text: 'Hi' }])
  })

  it('names the line of every problem, counted in the file the author sent', () => {
    const bad = `WEBVTT

00:00:05.000 --> 00:00:04.000
Ends before it starts

00:00:01.000 --> 00:00:02.000
Out of order

00:00:03.000 --> 00:00:0x.000
Broken end
`
    const result = validateVtt(bad)
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.problems.map((p) => p.line)).toEqual([3, 6, 9])
    expect(result.problems[0]?.message).toMatch(/ends .* before or when it starts/)
    expect(result.problems[1]?.message).toMatch(/time order/)
    expect(result.problems[2]?.message).toMatch(/"00:00:0x.000" is not a WebVTT time/)

    // In an SRT file the lines are the SRT file's own, not the converted file's.
    const srtBad = '1\n00:00:01,000 --> 00:00:03,000\nfine\n\n2\n00:00:05,000 --> 00:00:04,000\nbackwards\n'
    const converted = parseCaptions(srtBad)
    expect(!converted.ok && converted.problems.map((p) => p.line)).toEqual([6])
  })

  it('refuses text that is neither WebVTT nor SRT, and a file without cues', () => {
    const notCaptions = parseCaptions('hello world\n')
    expect(!notCaptions.ok && notCaptions.problems[0]).toMatchObject({
      line: 1,
      message: /must start with "WEBVTT"/,
    })
    const empty = parseCaptions('WEBVTT\n\n')
    expect(!empty.ok && empty.problems[0]?.message).toBe('the file has no cues')
    expect(!parseCaptions('WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n').ok).toBe(true)
  })

  it('srtToVtt pads single-digit hours', () => {
    expect(srtToVtt('1\n0:00:01,000 --> 0:00:02,000\nx')).toContain('00:00:01.000 --> 00:00:02.000')
  })
})

describe('chapters', () => {
  it('parses "m:ss Title" lines and reports bad ones by line', () => {
    expect(parseChaptersText('0:00 Intro\n\n1:05 Failover\n1:02:03 Long')).toEqual({
      ok: true,
      chapters: [
        { startS: 0, title: 'Intro' },
        { startS: 65, title: 'Failover' },
        { startS: 3723, title: 'Long' },
      ],
    })
    const bad = parseChaptersText('0:10 A\n0:05 B\nnonsense\n9:00 Late', { durationS: 120 })
    expect(bad.ok).toBe(false)
    expect(!bad.ok && bad.problems).toEqual([
      'line 2: chapters must be in time order (0:05 is not after 0:10)',
      'line 3: expected "m:ss Title" (e.g. "1:30 Failover"), found "nonsense"',
      'line 4: 9:00 is past the end of the video (2:00)',
    ])
  })

  it('proposes chapters from the level-2 headings, placed by their share of the words', () => {
    const words = (n: number) => Array.from({ length: n }, () => 'word').join(' ')
    const source = `## Why it matters\n${words(48)}\n\`\`\`\n## not a heading\n\`\`\`\n## Redundancy\n${words(48)}\n`
    const chapters = proposeChapters(source, 100)
    expect(chapters.map((c) => c.title)).toEqual(['Why it matters', 'Redundancy'])
    expect(chapters[0]?.startS).toBe(0)
    expect(chapters[1]?.startS).toBeGreaterThan(40)
    expect(chapters[1]?.startS).toBeLessThan(60)
  })
})

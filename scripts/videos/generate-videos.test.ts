// `npm run videos` for real on one lesson: Festival (or espeak-ng), Chromium and ffmpeg, into a
// throwaway media folder, from a copy of the course content so the cache test can edit a lesson.
import { execFile } from 'node:child_process'
import { cp, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generatedDir, generateVideos, readManifest, type Chapter } from './generate-videos'

const run = promisify(execFile)
const SLUG = 'database-high-availability'
const LESSON_FILE =
  'courses/production-operations/modules/01-production-architecture/lessons/02-database-high-availability.mdx'
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

let tmp: string
let contentRoot: string
let mediaDir: string
const lines: string[] = []
const generate = () =>
  generateVideos({ mediaDir, contentRoot, chromiumPath, slugs: [SLUG], log: (l) => lines.push(l) })

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'academy-videos-'))
  contentRoot = path.join(tmp, 'content')
  mediaDir = path.join(tmp, 'media')
  await cp(path.resolve(import.meta.dirname, '../../content'), contentRoot, { recursive: true })
})
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true })
})

const seconds = (stamp: string) => {
  const [h, m, s] = stamp.split(':').map(Number)
  return h! * 3600 + m! * 60 + s!
}

function parseVtt(text: string) {
  expect(text.startsWith('WEBVTT\n\n')).toBe(true)
  return text
    .slice('WEBVTT\n\n'.length)
    .trim()
    .split(/\n\n/)
    .map((block) => {
      const [id, timing, ...words] = block.split('\n')
      const match = /^(\d\d:\d\d:\d\d\.\d{3}) --> (\d\d:\d\d:\d\d\.\d{3})$/.exec(timing ?? '')
      expect(match, `cue ${id} timing line "${timing}"`).not.toBeNull()
      return { start: seconds(match![1]!), end: seconds(match![2]!), text: words.join('\n') }
    })
}

async function probe(file: string) {
  const { stdout } = await run('ffprobe', [
    '-v',
    'error',
    '-show_streams',
    '-show_format',
    '-of',
    'json',
    file,
  ])
  return JSON.parse(stdout) as {
    streams: { codec_type: string; codec_name: string; width?: number; height?: number; duration: string }[]
    format: { duration: string }
  }
}

describe('npm run videos', () => {
  it('renders one lesson into a narrated video with captions, chapters, poster and manifest', async () => {
    const [outcome] = await generate()
    expect(outcome).toMatchObject({ slug: SLUG, status: 'generated' })
    const dir = generatedDir(mediaDir, SLUG)

    const manifest = await readManifest(dir)
    expect(manifest).toMatchObject({ lessonSlug: SLUG, contentHash: expect.stringMatching(/^[0-9a-f]{64}$/) })
    expect(manifest!.generator).toMatch(/^helix-videos\/\d+ \((festival|espeak-ng)\//)
    expect(Date.parse(manifest!.generatedAt)).not.toBeNaN()

    const info = await probe(path.join(dir, 'video.mp4'))
    const video = info.streams.find((s) => s.codec_type === 'video')
    const audio = info.streams.find((s) => s.codec_type === 'audio')
    expect(video).toMatchObject({ codec_name: 'h264', width: 1280, height: 720 })
    expect(audio).toMatchObject({ codec_name: 'aac' })
    const duration = Number(info.format.duration)
    expect(manifest!.durationS).toBeCloseTo(duration, 1)
    expect(duration).toBeGreaterThan(60)
    // Picture and narration end together.
    expect(Math.abs(Number(video!.duration) - Number(audio!.duration))).toBeLessThan(1)
    // Faststart: the index comes before the media data, so playback starts before the download ends.
    const head = (await readFile(path.join(dir, 'video.mp4'))).subarray(0, 64 * 1024).toString('latin1')
    expect(head.indexOf('moov')).toBeGreaterThan(0)
    expect(head.indexOf('moov')).toBeLessThan(head.indexOf('mdat') === -1 ? Infinity : head.indexOf('mdat'))

    const cues = parseVtt(await readFile(path.join(dir, 'captions.vtt'), 'utf8'))
    expect(cues.length).toBeGreaterThan(10)
    cues.forEach((cue, i) => {
      expect(cue.end).toBeGreaterThan(cue.start)
      expect(cue.text.trim()).not.toBe('')
      if (i > 0) expect(cue.start).toBeGreaterThanOrEqual(cues[i - 1]!.end)
    })
    expect(cues[0]!.text).toBe('Lesson 1.2: Database High Availability.')
    // The last words are spoken just before the end: the video lasts as long as its narration.
    expect(cues.at(-1)!.end).toBeLessThanOrEqual(duration)
    expect(duration - cues.at(-1)!.end).toBeLessThan(1)

    const chapters = JSON.parse(await readFile(path.join(dir, 'chapters.json'), 'utf8')) as Chapter[]
    expect(chapters[0]).toEqual({ startS: 0, title: 'Introduction' })
    expect(chapters.at(-1)!.title).toBe('Recap')
    const headings = [
      ...(await readFile(path.join(contentRoot, LESSON_FILE), 'utf8')).matchAll(/^## (.+)$/gm),
    ].map((m) => m[1])
    expect(chapters.slice(1, -1).map((c) => c.title)).toEqual(headings)
    chapters.forEach((c, i) => {
      expect(c.startS).toBeLessThan(duration)
      if (i > 0) expect(c.startS).toBeGreaterThan(chapters[i - 1]!.startS)
    })

    const poster = await readFile(path.join(dir, 'poster.jpg'))
    expect(poster.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]))
    const posterInfo = await probe(path.join(dir, 'poster.jpg'))
    expect(posterInfo.streams[0]).toMatchObject({ width: 1280, height: 720 })
  }, 900_000)

  it('does nothing on a second run and says so', async () => {
    const dir = generatedDir(mediaDir, SLUG)
    const before = (await stat(path.join(dir, 'video.mp4'))).mtimeMs
    lines.length = 0
    const [outcome] = await generate()
    expect(outcome).toMatchObject({ slug: SLUG, status: 'up-to-date' })
    expect(lines).toEqual([`[1/1] ${SLUG}: up to date`])
    expect((await stat(path.join(dir, 'video.mp4'))).mtimeMs).toBe(before)
  }, 60_000)

  it('renders a changed lesson again', async () => {
    const dir = generatedDir(mediaDir, SLUG)
    const old = (await readManifest(dir))!
    // Every section cut down to one sentence under its heading (the quizzes still find their
    // headings): a real edit, and a short video to render.
    const file = path.join(contentRoot, LESSON_FILE)
    const source = await readFile(file, 'utf8')
    const [intro, ...sections] = source.split(/^(?=## )/m)
    const headings = sections.map((section) => /^## (.+)$/m.exec(section)![1]!)
    await writeFile(
      file,
      `${intro}${headings.map((h) => `## ${h}\n\nThis part was cut short.\n\n`).join('')}`,
    )
    const [outcome] = await generate()
    expect(outcome).toMatchObject({ slug: SLUG, status: 'generated' })
    const manifest = (await readManifest(dir))!
    expect(manifest.contentHash).not.toBe(old.contentHash)
    expect(manifest.durationS).toBeLessThan(old.durationS)
    const chapters = JSON.parse(await readFile(path.join(dir, 'chapters.json'), 'utf8')) as Chapter[]
    expect(chapters.map((c) => c.title)).toEqual(['Introduction', ...headings, 'Recap'])
  }, 900_000)

  it('names the lessons when asked for one that does not exist', async () => {
    await expect(
      generateVideos({ mediaDir, contentRoot, chromiumPath, slugs: ['no-such-lesson'], log: () => {} }),
    ).rejects.toThrow(/No lesson with the slug "no-such-lesson"\. Lessons: high-availability-design, /)
  })
})

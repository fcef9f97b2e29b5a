import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { findRecording } from './find-recording'

let dir: string
const put = (name: string, text = 'x') => writeFile(path.join(dir, name), text)

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'academy-recordings-'))
})
afterEach(async () => {
  vi.restoreAllMocks()
  await rm(dir, { recursive: true, force: true })
})

describe('findRecording', () => {
  it('is null when the operator has not dropped a recording', async () => {
    await put('high-availability-design.vtt', 'WEBVTT\n')
    expect(await findRecording('high-availability-design', { dir })).toBeNull()
  })

  it('finds a recording with captions and sorted chapters', async () => {
    await put('lesson-one.mp4')
    await put('lesson-one.vtt', 'WEBVTT\n')
    await put(
      'lesson-one.chapters.json',
      JSON.stringify([
        { start: 60, title: 'Failover' },
        { start: 0, title: 'Intro' },
      ]),
    )
    expect(await findRecording('lesson-one', { dir })).toEqual({
      src: '/media/lesson-one.mp4',
      type: 'video/mp4',
      captionsSrc: '/media/lesson-one.vtt',
      chapters: [
        { start: 0, title: 'Intro' },
        { start: 60, title: 'Failover' },
      ],
    })
  })

  it('prefers webm over mp4 over wav and omits missing captions', async () => {
    await put('lesson-two.wav')
    await put('lesson-two.webm')
    expect(await findRecording('lesson-two', { dir })).toEqual({
      src: '/media/lesson-two.webm',
      type: 'video/webm',
      chapters: [],
    })
  })

  it.each([
    ['not JSON', '[{start: 0'],
    ['a negative start', JSON.stringify([{ start: -1, title: 'Intro' }])],
    ['an empty title', JSON.stringify([{ start: 0, title: ' ' }])],
    ['an object instead of a list', JSON.stringify({ start: 0, title: 'Intro' })],
  ])(
    'plays without chapters when the chapters file has %s, and says why in the log',
    async (_label, text) => {
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
      await put('lesson-three.wav')
      await put('lesson-three.chapters.json', text)
      const recording = await findRecording('lesson-three', { dir })
      expect(recording?.chapters).toEqual([])
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('lesson-three.chapters.json'))
    },
  )

  it.each(['../lesson', 'Lesson', 'a/b', ''])(
    'treats the unsafe slug %j as having no recording',
    async (slug) => {
      expect(await findRecording(slug, { dir })).toBeNull()
    },
  )
})

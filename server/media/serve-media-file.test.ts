// The media route's file serving: Range requests (so seeking works) and refusal of anything
// that is not a media file name. Real files in a temporary folder. (The route's sign-in check
// needs a Next.js request scope; tests/e2e/video.spec.ts covers the 401.)
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseRange, serveMediaFile } from './serve-media-file'

let dir: string
const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 256))

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'academy-media-'))
  await writeFile(path.join(dir, 'high-availability-design.wav'), bytes)
  await writeFile(path.join(dir, 'high-availability-design.vtt'), 'WEBVTT\n')
  await writeFile(path.join(dir, 'high-availability-design.chapters.json'), '[]')
  await writeFile(path.join(dir, 'notes.txt'), 'secret')
  await mkdir(path.join(dir, 'folder.wav'))
})
afterAll(() => rm(dir, { recursive: true, force: true }))

const serve = (fileName: string, rangeHeader: string | null = null, method: 'GET' | 'HEAD' = 'GET') =>
  serveMediaFile({ dir, fileName, rangeHeader, method })

describe('serveMediaFile', () => {
  it('serves a whole file with its type and advertises byte ranges', async () => {
    const res = await serve('high-availability-design.wav')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('audio/wav')
    expect(res.headers.get('accept-ranges')).toBe('bytes')
    expect(res.headers.get('content-length')).toBe('1000')
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true)
  })

  it('serves captions and chapters with text types', async () => {
    expect((await serve('high-availability-design.vtt')).headers.get('content-type')).toBe(
      'text/vtt; charset=utf-8',
    )
    expect((await serve('high-availability-design.chapters.json')).headers.get('content-type')).toBe(
      'application/json; charset=utf-8',
    )
  })

  it.each([
    ['bytes=100-199', 100, 199],
    ['bytes=900-', 900, 999],
    ['bytes=-50', 950, 999],
    ['bytes=990-5000', 990, 999],
  ])('answers %s with 206 and exactly that slice', async (header, start, end) => {
    const res = await serve('high-availability-design.wav', header)
    expect(res.status).toBe(206)
    expect(res.headers.get('content-range')).toBe(`bytes ${start}-${end}/1000`)
    expect(res.headers.get('content-length')).toBe(String(end - start + 1))
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes.subarray(start, end + 1))).toBe(true)
  })

  it.each(['bytes=1000-', 'bytes=5000-6000', 'bytes=500-100', 'bytes=-0', 'bytes=-', 'bytes=abc'])(
    'answers the unsatisfiable range %s with 416 and the file size',
    async (header) => {
      const res = await serve('high-availability-design.wav', header)
      expect(res.status).toBe(416)
      expect(res.headers.get('content-range')).toBe('bytes */1000')
    },
  )

  it('answers HEAD with headers and no body', async () => {
    const res = await serve('high-availability-design.wav', 'bytes=0-9', 'HEAD')
    expect(res.status).toBe(206)
    expect(res.headers.get('content-length')).toBe('10')
    expect(res.body).toBeNull()
  })

  it.each([
    '../etc/passwd',
    '..%2Fetc%2Fpasswd',
    'notes.txt',
    '/etc/hosts',
    'high-availability-design.json',
    'high-availability-design.chapters.wav',
    'High-Availability-Design.wav',
    '.wav',
    'sub/high-availability-design.wav',
  ])('refuses the name %s with 400', async (name) => {
    const res = await serve(name)
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('Not a media file name')
  })

  it('answers 404 for a missing file and for a folder', async () => {
    expect((await serve('other-lesson.mp4')).status).toBe(404)
    expect((await serve('folder.wav')).status).toBe(404)
  })
})

describe('parseRange', () => {
  it('ignores a missing header, other units and multiple ranges (whole file)', () => {
    expect(parseRange(null, 10)).toBeNull()
    expect(parseRange('items=0-5', 10)).toBeNull()
    expect(parseRange('bytes=0-1,4-5', 10)).toBeNull()
  })
})

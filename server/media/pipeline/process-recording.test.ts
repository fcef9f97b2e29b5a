import { readFile, stat, truncate, writeFile } from 'node:fs/promises'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { localDiskStorage } from '../storage'
import { processRecording, recordingPrefix, type ProcessProgress } from './process-recording'
import { probeVideo } from './probe'
import { makeTestVideo } from './test-video'
import { ladderFor } from './transcode'

let dir: string

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'media-pipeline-'))
})

describe('the HLS ladder', () => {
  it('has every rung up to the source height, and one rung for a small source', () => {
    expect(ladderFor(1080).map((r) => r.height)).toEqual([360, 720, 1080])
    expect(ladderFor(2160).map((r) => r.height)).toEqual([360, 720, 1080])
    expect(ladderFor(720).map((r) => r.height)).toEqual([360, 720])
    expect(ladderFor(241).map((r) => r.height)).toEqual([240])
  })
})

describe('processing a recording', () => {
  it('makes the ladder, the download, the poster and the scrubbing previews, with progress', async () => {
    const source = path.join(dir, 'source.mp4')
    await makeTestVideo({ file: source, seconds: 4, width: 1280, height: 720 })
    const media = path.join(dir, 'media')
    const storage = localDiskStorage(media)
    const seen: ProcessProgress[] = []
    const outcome = await processRecording({
      source,
      lessonSlug: 'lesson-a',
      recordingId: 'rec-1',
      storage,
      scratchDir: path.join(media, '.work'),
      onProgress: (p) => void seen.push(p),
    })
    expect(outcome).toMatchObject({ ok: true, renditions: [360, 720] })
    if (!outcome.ok) return
    expect(outcome.durationS).toBeGreaterThan(3.5)
    const prefix = recordingPrefix('lesson-a', 'rec-1')
    const files = await storage.list(prefix)
    for (const name of [
      'hls/master.m3u8',
      'hls/360p/index.m3u8',
      'hls/720p/index.m3u8',
      'download.mp4',
      'poster.jpg',
      'thumbs.jpg',
      'thumbs.vtt',
    ]) {
      expect(files).toContain(`${prefix}/${name}`)
    }
    expect(files.some((f) => /hls\/720p\/segment-0000\.ts$/.test(f))).toBe(true)
    const master = (await storage.readText(`${prefix}/hls/master.m3u8`)) ?? ''
    expect(master).toMatch(/RESOLUTION=640x360/)
    expect(master).toMatch(/RESOLUTION=1280x720[^\n]*\n720p\/index\.m3u8/)
    const rendition = (await storage.readText(`${prefix}/hls/720p/index.m3u8`)) ?? ''
    expect(rendition).toMatch(/#EXT-X-ENDLIST/)

    // The download is a real video of the same length; the thumbnails track points into the sprite.
    const download = await probeVideo(path.join(media, prefix, 'download.mp4'))
    expect(download.ok && download.video).toMatchObject({ height: 720, hasAudio: true })
    expect(download.ok && Math.abs(download.video.durationS - outcome.durationS)).toBeLessThan(0.5)
    const thumbs = (await storage.readText(`${prefix}/thumbs.vtt`)) ?? ''
    expect(thumbs).toMatch(/^WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nthumbs.jpg#xywh=0,0,160,90\n/)
    // One preview a second: the 4-second source has four, the last one fourth in the first row.
    expect(thumbs.match(/thumbs\.jpg#xywh=/g)).toHaveLength(4)
    expect(thumbs).toMatch(/00:00:03.000 --> 00:00:04.000\nthumbs.jpg#xywh=480,0,160,90\n/)

    // Progress only goes forward and ends at 100.
    const percents = seen.map((p) => p.percent)
    expect(percents).toEqual([...percents].sort((a, b) => a - b))
    expect(percents.at(-1)).toBe(100)
    expect(seen.some((p) => p.stage === 'transcoding 720p')).toBe(true)
    // Nothing is left in the scratch folder.
    expect(await storage.list('.work').catch(() => [])).toEqual([])
  }, 120_000)

  it('refuses a file that is not a video, saying what it is', async () => {
    const notes = path.join(dir, 'notes.txt')
    await writeFile(notes, 'These are my lecture notes, not a video.\n'.repeat(50))
    const outcome = await processRecording({
      source: notes,
      lessonSlug: 'lesson-a',
      recordingId: 'rec-2',
      storage: localDiskStorage(path.join(dir, 'media')),
      scratchDir: path.join(dir, 'media/.work'),
    })
    expect(outcome).toEqual({
      ok: false,
      reason: expect.stringMatching(/^Not a video: the file is plain text\./),
    })

    const random = path.join(dir, 'random.bin')
    await writeFile(random, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251)))
    expect(await probeVideo(random)).toEqual({ ok: false, reason: expect.stringMatching(/^Not a video/) })

    const tone = path.join(dir, 'tone.m4a')
    await makeTestVideo({ file: path.join(dir, 'with-audio.mp4'), seconds: 1 })
    const { execFile } = await import('node:child_process')
    await new Promise((r, j) =>
      execFile(
        'ffmpeg',
        ['-y', '-v', 'error', '-i', path.join(dir, 'with-audio.mp4'), '-vn', '-c:a', 'copy', tone],
        (e) => (e ? j(e) : r(null)),
      ),
    )
    expect(await probeVideo(tone)).toEqual({
      ok: false,
      reason: expect.stringMatching(/^Not a video: the file is audio only/),
    })
  }, 60_000)

  it("fails a corrupt video with ffmpeg's reason", async () => {
    const corrupt = path.join(dir, 'corrupt.mp4')
    await makeTestVideo({ file: corrupt, seconds: 3, faststart: false })
    const { size } = await stat(corrupt)
    await truncate(corrupt, Math.floor(size * 0.6))
    expect((await readFile(corrupt)).length).toBeLessThan(size)
    const outcome = await processRecording({
      source: corrupt,
      lessonSlug: 'lesson-a',
      recordingId: 'rec-3',
      storage: localDiskStorage(path.join(dir, 'media')),
      scratchDir: path.join(dir, 'media/.work'),
    })
    expect(outcome).toEqual({
      ok: false,
      reason: expect.stringMatching(/moov atom not found.*damaged or incomplete/),
    })
  }, 60_000)
})

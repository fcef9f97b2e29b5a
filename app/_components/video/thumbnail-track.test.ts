import { describe, expect, it } from 'vitest'
import { parseThumbnailTrack, thumbnailAt } from './thumbnail-track'

const TRACK = '/media/recordings/intro/abc/thumbs.vtt'
const VTT = [
  'WEBVTT',
  '',
  '00:00:00.000 --> 00:00:02.000',
  'thumbs.jpg#xywh=0,0,160,90',
  '',
  '00:00:02.000 --> 00:00:04.000',
  'thumbs.jpg#xywh=160,0,160,90',
  '',
  '01:00:04.000 --> 01:00:05.500',
  'thumbs.jpg#xywh=0,90,160,90',
  '',
].join('\n')

describe('parseThumbnailTrack', () => {
  it('reads each cue with its sprite region, the sprite resolved beside the track', () => {
    const cues = parseThumbnailTrack(VTT, TRACK)
    expect(cues).toHaveLength(3)
    expect(cues[0]).toEqual({
      start: 0,
      end: 2,
      url: '/media/recordings/intro/abc/thumbs.jpg',
      x: 0,
      y: 0,
      width: 160,
      height: 90,
    })
    expect(cues[2]).toMatchObject({ start: 3604, end: 3605.5, x: 0, y: 90 })
  })

  it('leaves out cues without a usable region and reads CRLF files', () => {
    const vtt =
      'WEBVTT\r\n\r\n00:00.000 --> 00:01.000\r\nframe-1.jpg\r\n\r\n00:01.000 --> 00:02.000\r\nt.jpg#xywh=1,2,0,90\r\n\r\n00:02.000 --> 00:03.000\r\nt.jpg#xywh=10,20,30,40\r\n'
    expect(parseThumbnailTrack(vtt, TRACK)).toEqual([
      { start: 2, end: 3, url: '/media/recordings/intro/abc/t.jpg', x: 10, y: 20, width: 30, height: 40 },
    ])
  })
})

describe('thumbnailAt', () => {
  const cues = parseThumbnailTrack(VTT, TRACK)
  it('finds the cue showing at a time, the first before it and the last past the end', () => {
    expect(thumbnailAt(cues, 2.5)?.x).toBe(160)
    expect(thumbnailAt(cues, 2)?.x).toBe(160)
    expect(thumbnailAt(cues, -1)?.x).toBe(0)
    expect(thumbnailAt(cues, 99_999)?.y).toBe(90)
    expect(thumbnailAt([], 1)).toBeNull()
  })
})

// The scrubbing previews of a processed recording: a WebVTT track whose cues name regions of
// one sprite image (`thumbs.jpg#xywh=x,y,w,h`, the form video players commonly read). Pure
// parsing, shared by the player and its unit test.

export interface ThumbnailCue {
  start: number
  end: number
  /** The sprite, resolved against the track's own URL. */
  url: string
  x: number
  y: number
  width: number
  height: number
}

const TIMING = /^\s*((?:\d+:)?\d{1,2}:\d{2}\.\d{3})\s+-->\s+((?:\d+:)?\d{1,2}:\d{2}\.\d{3})/

function seconds(text: string): number {
  return text.split(':').reduce((total, part) => total * 60 + Number(part), 0)
}

/**
 * The cues of a thumbnails track, in time order. Cues without a usable `#xywh` region are left
 * out (a track from elsewhere may hold plain images; those would need one request per preview).
 */
export function parseThumbnailTrack(vtt: string, trackUrl: string): ThumbnailCue[] {
  const lines = vtt.replace(/\r\n?/g, '\n').split('\n')
  const cues: ThumbnailCue[] = []
  for (let i = 0; i < lines.length; i++) {
    const timing = TIMING.exec(lines[i] ?? '')
    if (!timing?.[1] || !timing[2]) continue
    const target = (lines[i + 1] ?? '').trim()
    const [file, fragment] = target.split('#xywh=')
    const region = fragment?.split(',').map(Number)
    if (!file || !region || region.length !== 4 || region.some((n) => !Number.isFinite(n) || n < 0)) continue
    const [x = 0, y = 0, width = 0, height = 0] = region
    if (width === 0 || height === 0) continue
    cues.push({
      start: seconds(timing[1]),
      end: seconds(timing[2]),
      url: new URL(file, new URL(trackUrl, 'http://player.invalid/')).pathname,
      x,
      y,
      width,
      height,
    })
  }
  return cues.sort((a, b) => a.start - b.start)
}

/** The cue showing at `time`: the last one starting at or before it (the final one past the end). */
export function thumbnailAt(cues: readonly ThumbnailCue[], time: number): ThumbnailCue | null {
  let found: ThumbnailCue | null = null
  for (const cue of cues) {
    if (cue.start > time) break
    found = cue
  }
  return found ?? cues[0] ?? null
}

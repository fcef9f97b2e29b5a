// One uploaded recording → everything the player needs, in media storage under
// recordings/<lessonSlug>/<recordingId>/:
//   hls/master.m3u8, hls/<h>p/index.m3u8 + segment-NNNN.ts   the adaptive ladder
//   download.mp4                                               the progressive download
//   poster.jpg, thumbs.jpg, thumbs.vtt                         poster and scrubbing previews
// Work happens in a scratch folder and moves in whole, so a half-made version is never served.
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import path from 'node:path'
import type { MediaStorage } from '../storage'
import { probeVideo } from './probe'
import {
  ladderFor,
  transcodeDownload,
  transcodeRendition,
  writeMasterPlaylist,
  writePoster,
  writeThumbnails,
} from './transcode'

export interface ProcessProgress {
  stage: string
  /** 0–100, over the whole job. */
  percent: number
}

export type ProcessOutcome =
  { ok: true; durationS: number; renditions: number[] } | { ok: false; reason: string }

export function recordingPrefix(lessonSlug: string, recordingId: string): string {
  return `recordings/${lessonSlug}/${recordingId}`
}

export async function processRecording({
  source,
  lessonSlug,
  recordingId,
  storage,
  scratchDir,
  onProgress = () => {},
}: {
  source: string
  lessonSlug: string
  recordingId: string
  storage: MediaStorage
  /** A folder on the same disk as the storage, for the work in progress. */
  scratchDir: string
  onProgress?: (progress: ProcessProgress) => void | Promise<void>
}): Promise<ProcessOutcome> {
  await onProgress({ stage: 'checking the file', percent: 0 })
  const probed = await probeVideo(source)
  if (!probed.ok) return { ok: false, reason: probed.reason }
  const video = probed.video
  const rungs = ladderFor(video.height)
  // Each encode weighs the same; poster and thumbnails share one more share.
  const steps = rungs.length + 2
  let done = 0
  const step = (stage: string) => (fraction: number) =>
    onProgress({ stage, percent: Math.min(99, Math.floor(((done + fraction) / steps) * 100)) })

  await mkdir(scratchDir, { recursive: true })
  const work = await mkdtemp(path.join(scratchDir, `${recordingId}-`))
  try {
    const hls = path.join(work, 'hls')
    for (const rung of rungs) {
      await transcodeRendition(source, hls, video, rung, step(`transcoding ${rung.height}p`))
      done++
    }
    await writeMasterPlaylist(hls, video, rungs)
    const top = rungs.at(-1)?.height ?? video.height
    await transcodeDownload(source, path.join(work, 'download.mp4'), video, top, step('making the download'))
    done++
    await step('making the poster and previews')(0)
    await writePoster(source, path.join(work, 'poster.jpg'), video)
    await writeThumbnails(source, work, video)
    await storage.importDir(work, recordingPrefix(lessonSlug, recordingId))
    await onProgress({ stage: 'ready', percent: 100 })
    return { ok: true, durationS: video.durationS, renditions: rungs.map((r) => r.height) }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    return { ok: false, reason: `Transcoding failed: ${message}` }
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}

// ffmpeg runs of the media pipeline: the HLS ladder, the download MP4, the poster and the
// thumbnail sprite. Each run reports its progress from ffmpeg's `-progress` output.
import { spawn } from 'node:child_process'
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { formatVttTime } from '../captions'
import type { ProbedVideo } from './probe'

/** Rungs of the ladder: height → video bitrate (kbit/s). */
export const LADDER = [
  { height: 360, videoKbps: 800 },
  { height: 720, videoKbps: 2800 },
  { height: 1080, videoKbps: 5000 },
] as const

/** The rungs the source allows: every rung up to its height; a source below 360p gets one at its own height. */
export function ladderFor(sourceHeight: number): { height: number; videoKbps: number }[] {
  const rungs = LADDER.filter((r) => r.height <= sourceHeight)
  if (rungs.length) return [...rungs]
  return [{ height: Math.max(2, sourceHeight - (sourceHeight % 2)), videoKbps: 600 }]
}

export class FfmpegError extends Error {}

/** Runs ffmpeg, calling `onProgress(fraction)` from its -progress output; rejects with its last error lines. */
export function runFfmpeg(
  args: string[],
  { durationS, onProgress }: { durationS: number; onProgress?: (fraction: number) => void },
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'ffmpeg',
      ['-hide_banner', '-nostdin', '-y', '-v', 'error', '-progress', 'pipe:1', ...args],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000)
    })
    let pending = ''
    child.stdout.on('data', (d: Buffer) => {
      pending += d.toString()
      const lines = pending.split('\n')
      pending = lines.pop() ?? ''
      for (const line of lines) {
        const match = /^out_time_us=(\d+)/.exec(line)
        if (match && onProgress && durationS > 0) onProgress(Math.min(1, Number(match[1]) / 1e6 / durationS))
      }
    })
    child.on('error', (error) => reject(new FfmpegError(`ffmpeg could not start: ${error.message}`)))
    child.on('close', (code) => {
      if (code === 0) return resolve()
      const last = stderr.trim().split('\n').slice(-3).join(' · ') || `exit code ${code}`
      reject(new FfmpegError(last))
    })
  })
}

const H264 = ['-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'main', '-pix_fmt', 'yuv420p']

/** Keyframes every 2 s, never on scene cuts, so every rendition's 4 s segments line up. */
const GOP = ['-force_key_frames', 'expr:gte(t,n_forced*2)', '-sc_threshold', '0']

function audioArgs(video: ProbedVideo): string[] {
  return video.hasAudio ? ['-map', '0:a:0', '-c:a', 'aac', '-b:a', '128k', '-ac', '2'] : []
}

/** One HLS rendition at `height` into `<dir>/<height>p/index.m3u8`. */
export async function transcodeRendition(
  source: string,
  dir: string,
  video: ProbedVideo,
  rung: { height: number; videoKbps: number },
  onProgress?: (fraction: number) => void,
): Promise<void> {
  const out = path.join(dir, `${rung.height}p`)
  await mkdir(out, { recursive: true })
  await runFfmpeg(
    [
      '-i',
      source,
      '-map',
      '0:v:0',
      ...audioArgs(video),
      '-vf',
      `scale=-2:${rung.height}`,
      ...H264,
      '-b:v',
      `${rung.videoKbps}k`,
      '-maxrate',
      `${Math.round(rung.videoKbps * 1.07)}k`,
      '-bufsize',
      `${rung.videoKbps * 2}k`,
      ...GOP,
      '-f',
      'hls',
      '-hls_time',
      '4',
      '-hls_playlist_type',
      'vod',
      '-hls_segment_filename',
      path.join(out, 'segment-%04d.ts'),
      path.join(out, 'index.m3u8'),
    ],
    { durationS: video.durationS, onProgress },
  )
}

/** The master playlist naming every rendition, lowest first. */
export async function writeMasterPlaylist(
  dir: string,
  video: ProbedVideo,
  rungs: readonly { height: number; videoKbps: number }[],
): Promise<void> {
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3']
  for (const rung of rungs) {
    const width = Math.round((video.width * rung.height) / video.height / 2) * 2
    const bandwidth = (rung.videoKbps + (video.hasAudio ? 128 : 0)) * 1000
    const codecs = video.hasAudio ? 'avc1.4d401f,mp4a.40.2' : 'avc1.4d401f'
    lines.push(
      `#EXT-X-STREAM-INF:BANDWIDTH=${bandwidth},RESOLUTION=${width}x${rung.height},CODECS="${codecs}"`,
    )
    lines.push(`${rung.height}p/index.m3u8`)
  }
  await writeFile(path.join(dir, 'master.m3u8'), `${lines.join('\n')}\n`)
}

/** The download: one progressive MP4 at the top rung's height, moov first so it starts at once. */
export async function transcodeDownload(
  source: string,
  file: string,
  video: ProbedVideo,
  height: number,
  onProgress?: (fraction: number) => void,
): Promise<void> {
  await runFfmpeg(
    [
      '-i',
      source,
      '-map',
      '0:v:0',
      ...audioArgs(video),
      '-vf',
      `scale=-2:${height}`,
      ...H264,
      '-crf',
      '23',
      '-movflags',
      '+faststart',
      file,
    ],
    { durationS: video.durationS, onProgress },
  )
}

export async function writePoster(source: string, file: string, video: ProbedVideo): Promise<void> {
  const at = Math.min(1, video.durationS / 3)
  await runFfmpeg(
    [
      '-ss',
      at.toFixed(2),
      '-i',
      source,
      '-frames:v',
      '1',
      '-vf',
      'scale=-2:min(720\\,ih)',
      '-q:v',
      '3',
      file,
    ],
    {
      durationS: 0,
    },
  )
}

export const THUMB = { width: 160, height: 90, columns: 10 }

/** How far apart the scrubbing thumbnails are: about 100 over the video, never closer than 1 s. */
export function thumbnailInterval(durationS: number): number {
  return Math.max(1, Math.ceil(durationS / 100))
}

/** The scrubbing sprite (`thumbs.jpg`) and its WebVTT track (`thumbs.vtt`, `#xywh` fragments). */
export async function writeThumbnails(source: string, dir: string, video: ProbedVideo): Promise<void> {
  const interval = thumbnailInterval(video.durationS)
  const count = Math.max(1, Math.ceil(video.durationS / interval))
  const rows = Math.ceil(count / THUMB.columns)
  const { width, height, columns } = THUMB
  await runFfmpeg(
    [
      '-i',
      source,
      '-vf',
      `fps=1/${interval},scale=${width}:${height}:force_original_aspect_ratio=decrease,pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2,tile=${columns}x${rows}`,
      '-frames:v',
      '1',
      '-q:v',
      '5',
      path.join(dir, 'thumbs.jpg'),
    ],
    { durationS: video.durationS },
  )
  const cues = ['WEBVTT', '']
  for (let i = 0; i < count; i++) {
    const start = i * interval
    const end = Math.min(video.durationS, start + interval)
    const x = (i % columns) * width
    const y = Math.floor(i / columns) * height
    cues.push(
      `${formatVttTime(start)} --> ${formatVttTime(end)}`,
      `thumbs.jpg#xywh=${x},${y},${width},${height}`,
      '',
    )
  }
  await writeFile(path.join(dir, 'thumbs.vtt'), cues.join('\n'))
}

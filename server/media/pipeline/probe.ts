// What an uploaded file is, as ffprobe reads it; anything that is not a playable video is
// refused here with a reason the author can act on.
import { execFile } from 'node:child_process'
import { open } from 'node:fs/promises'
import { promisify } from 'node:util'

const run = promisify(execFile)

export interface ProbedVideo {
  durationS: number
  width: number
  height: number
  hasAudio: boolean
  formatName: string
}

export type ProbeResult = { ok: true; video: ProbedVideo } | { ok: false; reason: string }

interface FfprobeStream {
  codec_type?: string
  codec_name?: string
  width?: number
  height?: number
  disposition?: { attached_pic?: number }
}

interface FfprobeOutput {
  streams?: FfprobeStream[]
  format?: { format_name?: string; format_long_name?: string; duration?: string }
}

/** Still-image "formats" ffprobe reports with a video stream: not recordings. */
const IMAGE_FORMATS = /(^|,)(image2|png_pipe|jpeg_pipe|gif|webp_pipe|bmp_pipe|tiff_pipe|svg_pipe)(,|$)/

function firstErrorLine(stderr: string): string {
  const line = stderr
    .split('\n')
    .map((l) => l.trim())
    .find(Boolean)
  return (line ?? 'no details').replace(/^.*?: /, '')
}

const PLAIN_TEXT = 'Not a video: the file is plain text. Upload the recording itself (MP4, MOV, MKV or WebM).'

/** Text (notes, subtitles, a playlist) rather than media: the first 4 KiB hold no control bytes but line ends and tabs. */
async function looksLikeText(file: string): Promise<boolean> {
  const handle = await open(file, 'r').catch(() => null)
  if (!handle) return false
  try {
    const head = Buffer.alloc(4096)
    const { bytesRead } = await handle.read(head, 0, head.length, 0)
    if (bytesRead === 0) return false
    return head.subarray(0, bytesRead).every((b) => b === 9 || b === 10 || b === 13 || b >= 32)
  } finally {
    await handle.close()
  }
}

export async function probeVideo(file: string): Promise<ProbeResult> {
  let output: FfprobeOutput
  try {
    const { stdout } = await run(
      'ffprobe',
      ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file],
      { timeout: 60_000, maxBuffer: 8 * 1024 * 1024 },
    )
    output = JSON.parse(stdout) as FfprobeOutput
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '')
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return { ok: false, reason: 'ffprobe is not installed on the server (apt-get install ffmpeg).' }
    }
    if (await looksLikeText(file)) return { ok: false, reason: PLAIN_TEXT }
    return {
      ok: false,
      reason: `Not a video file ffmpeg can read (${firstErrorLine(stderr)}). Upload a video such as MP4, MOV, MKV or WebM; if it is one, it is damaged or incomplete.`,
    }
  }
  const format = output.format ?? {}
  const video = (output.streams ?? []).find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic)
  const kind = format.format_long_name ?? format.format_name ?? 'unknown format'
  // ffmpeg renders plain text as ANSI art ("tty"): a notes file must not become a video.
  if (format.format_name === 'tty') {
    return {
      ok: false,
      reason: 'Not a video: the file is plain text. Upload the recording itself (MP4, MOV, MKV or WebM).',
    }
  }
  if (!video || IMAGE_FORMATS.test(format.format_name ?? '')) {
    const audioOnly = (output.streams ?? []).some((s) => s.codec_type === 'audio')
    return {
      ok: false,
      reason: audioOnly
        ? `Not a video: the file is audio only (${kind}). Upload the recording with its picture.`
        : `Not a video: the file has no video stream (ffprobe reads it as ${kind}).`,
    }
  }
  const durationS = Number.parseFloat(format.duration ?? '')
  if (!Number.isFinite(durationS) || durationS <= 0) {
    return {
      ok: false,
      reason: `The video has no duration ffprobe can read (${kind}); it is damaged or incomplete.`,
    }
  }
  if (!video.width || !video.height) {
    return {
      ok: false,
      reason: `The video stream has no picture size (${video.codec_name ?? 'unknown codec'}).`,
    }
  }
  return {
    ok: true,
    video: {
      durationS,
      width: video.width,
      height: video.height,
      hasAudio: (output.streams ?? []).some((s) => s.codec_type === 'audio'),
      formatName: format.format_name ?? '',
    },
  }
}

// Real media for the tests and the benchmark: ffmpeg's test pattern with a sine tone.
import { spawn } from 'node:child_process'

function ffmpeg(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('ffmpeg', ['-hide_banner', '-nostdin', '-y', '-v', 'error', ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', reject)
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`ffmpeg failed: ${stderr.trim()}`)),
    )
  })
}

/**
 * A test video: `testsrc2` at `width`×`height`, 25 fps, with a 440 Hz tone, H.264/AAC MP4.
 * `faststart: false` leaves the index (moov) at the end, so cutting the file's tail makes a
 * corrupt video that ffprobe cannot open.
 */
export async function makeTestVideo({
  file,
  seconds,
  width = 640,
  height = 360,
  faststart = true,
}: {
  file: string
  seconds: number
  width?: number
  height?: number
  faststart?: boolean
}): Promise<void> {
  await ffmpeg([
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=${width}x${height}:rate=25:duration=${seconds}`,
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=440:sample_rate=44100:duration=${seconds}`,
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p',
    '-c:a',
    'aac',
    '-b:a',
    '64k',
    ...(faststart ? ['-movflags', '+faststart'] : []),
    '-shortest',
    file,
  ])
}

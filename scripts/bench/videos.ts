// npm run bench:videos [-- <lesson-slug>...] — time to render a lesson's narrated video on this
// machine (script, voice, slides, ffmpeg), into a throwaway media folder so nothing is cached.
// Prints each lesson, the median per lesson and per minute of video, and the total.
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { parseEnv, videosEnvSchema } from '../../config/env'
import { formatDuration, generateVideos } from '../videos/generate-videos'

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
}

async function main() {
  const env = parseEnv(videosEnvSchema, process.env)
  const slugs = process.argv.slice(2).filter((a) => a !== '--')
  const mediaDir = await mkdtemp(path.join(os.tmpdir(), 'academy-bench-videos-'))
  const started = performance.now()
  try {
    const outcomes = await generateVideos({ mediaDir, chromiumPath: env.CHROMIUM_PATH, slugs })
    const done = outcomes.filter((o) => o.status === 'generated')
    if (done.length !== outcomes.length) throw new Error('some lessons failed (see above)')
    const totalS = (performance.now() - started) / 1000
    const perMinute = done.map((o) => o.seconds / ((o.durationS ?? 1) / 60))
    console.log(`\nCPUs: ${os.cpus().length}, load average at the end: ${os.loadavg()[0]!.toFixed(1)}`)
    console.log(`Generated video time per lesson: median ${median(done.map((o) => o.seconds)).toFixed(1)} s`)
    console.log(`Per minute of video: median ${median(perMinute).toFixed(1)} s`)
    console.log(
      `Total for ${done.length} lessons: ${Math.round(totalS)} s (${formatDuration(done.reduce((s, o) => s + (o.durationS ?? 0), 0))} of video)`,
    )
  } finally {
    await rm(mediaDir, { recursive: true, force: true })
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})

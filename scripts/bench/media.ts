// npm run bench:media — how long the media worker takes per minute of 1080p source on this
// machine: a 1080p test video (ffmpeg's testsrc2 + a tone) through the whole pipeline (probe,
// 360p/720p/1080p HLS ladder, download MP4, poster, thumbnail sprite), each stage timed.
// `-- --seconds N` sets the source length (default 30; the result is scaled to one minute).
import { mkdtemp, rm } from 'node:fs/promises'
import { cpus, tmpdir } from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { processRecording } from '../../server/media/pipeline/process-recording'
import { makeTestVideo } from '../../server/media/pipeline/test-video'
import { localDiskStorage } from '../../server/media/storage'

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '30' } } })
const seconds = Number(values.seconds)
if (!Number.isFinite(seconds) || seconds < 2 || seconds > 600) {
  console.error('--seconds must be a number from 2 to 600')
  process.exit(1)
}

const dir = await mkdtemp(path.join(tmpdir(), 'bench-media-'))
try {
  const source = path.join(dir, 'source-1080p.mp4')
  let started = performance.now()
  await makeTestVideo({ file: source, seconds, width: 1920, height: 1080 })
  console.log(
    `Made a ${seconds} s 1080p test source in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  )

  const stages = new Map<string, number>()
  let stage = ''
  let stageStart = performance.now()
  started = performance.now()
  const outcome = await processRecording({
    source,
    lessonSlug: 'bench',
    recordingId: 'bench',
    storage: localDiskStorage(path.join(dir, 'media')),
    scratchDir: path.join(dir, 'media/.work'),
    onProgress: (p) => {
      if (p.stage === stage) return
      const now = performance.now()
      if (stage) stages.set(stage, (stages.get(stage) ?? 0) + (now - stageStart))
      stage = p.stage
      stageStart = now
    },
  })
  const total = (performance.now() - started) / 1000
  if (!outcome.ok) throw new Error(outcome.reason)

  console.log(`\nMachine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'})`)
  console.log(
    `Ladder: ${outcome.renditions.map((h) => `${h}p`).join(', ')}, source ${outcome.durationS.toFixed(1)} s`,
  )
  for (const [name, ms] of stages) {
    console.log(`  ${name.padEnd(32)} ${(ms / 1000).toFixed(1).padStart(7)} s`)
  }
  console.log(`Total: ${total.toFixed(1)} s for ${outcome.durationS.toFixed(1)} s of source`)
  console.log(
    `Transcode time per minute of 1080p source: ${((total / outcome.durationS) * 60).toFixed(0)} s (${(total / outcome.durationS).toFixed(2)}× real time)`,
  )
} finally {
  await rm(dir, { recursive: true, force: true })
}

// `npm run videos [-- <lesson-slug>...]`: renders the narrated video of every lesson (or of the
// named ones) into <MEDIA_DIR>/generated/. Lessons whose video is current are skipped, so a second
// run does nothing and says so (docs/decisions/036-generated-lesson-videos.md).
import path from 'node:path'
import { ConfigError, parseEnv, videosEnvSchema } from '../config/env'
import { ContentError } from '../server/content/content-error'
import { projectRoot } from './db/migrations'
import { formatDuration, generateVideos, VideoUsageError } from './videos/generate-videos'
import { NoVoiceError } from './videos/speak'

async function main() {
  const env = parseEnv(videosEnvSchema, process.env)
  const mediaDir = path.resolve(projectRoot, env.MEDIA_DIR ?? path.join(env.DATA_DIR, 'media'))
  const slugs = process.argv.slice(2).filter((a) => a !== '--')
  const started = performance.now()
  console.log(
    `Writing narrated lesson videos to ${path.relative(projectRoot, mediaDir) || mediaDir}/generated`,
  )
  const outcomes = await generateVideos({ mediaDir, chromiumPath: env.CHROMIUM_PATH, slugs })
  const generated = outcomes.filter((o) => o.status === 'generated')
  const failed = outcomes.filter((o) => o.status === 'failed')
  const total = Math.round((performance.now() - started) / 1000)
  if (generated.length === 0 && failed.length === 0) {
    console.log(
      outcomes.length === 1
        ? 'The narrated video is up to date; nothing to do.'
        : `All ${outcomes.length} narrated videos are up to date; nothing to do.`,
    )
  } else {
    const minutes = formatDuration(generated.reduce((s, o) => s + (o.durationS ?? 0), 0))
    console.log(
      `Generated ${generated.length} (${minutes} of video), ${outcomes.length - generated.length - failed.length} up to date` +
        `${failed.length ? `, ${failed.length} failed` : ''}, in ${total} s.`,
    )
  }
  if (failed.length) {
    console.error(
      `Failed: ${failed.map((f) => f.slug).join(', ')} (see above). Fix the cause and run npm run videos again.`,
    )
    process.exit(1)
  }
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof VideoUsageError || error instanceof NoVoiceError) {
    console.error(error.message)
  } else if (error instanceof ContentError) {
    console.error(`Invalid content in ${error.message}`)
  } else {
    console.error(error)
  }
  process.exit(1)
})

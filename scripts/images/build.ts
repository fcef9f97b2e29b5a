// `npm run images [-- [--no-cache] name ...]`: build (or reuse) every sandbox image (or the named
// ones and what they need), with progress and a summary. Exit 1 on failure, 2 on bad configuration.
import { ensureImages, type ProgressEvent } from './build-images'
import { loadImageBuildConfig } from './config'

function formatSize(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MB`
}

/** True while a "name hash ... " line waits for its outcome. */
let lineOpen = false

function report(event: ProgressEvent): void {
  lineOpen = event.kind === 'start'
  if (event.kind === 'base') {
    console.log(`base  ${event.reference}: ${event.how} (${event.seconds.toFixed(1)}s)`)
  } else if (event.kind === 'start') {
    process.stdout.write(`  ${event.name.padEnd(13)} ${event.hash} ... `)
  } else {
    const { outcome } = event
    console.log(
      `${outcome.status.padEnd(6)} ${outcome.seconds.toFixed(1).padStart(6)}s  ${formatSize(outcome.sizeBytes).padStart(7)}`,
    )
  }
}

// `npm run images | head`: a closed pipe ends the run quietly instead of with a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0)
  throw error
})

async function main(): Promise<number> {
  const loaded = loadImageBuildConfig()
  if (!loaded.ok) {
    console.error(loaded.message)
    return 2
  }
  const only = process.argv.slice(2).filter((arg) => !arg.startsWith('-'))
  const started = Date.now()
  const result = await ensureImages({
    config: loaded.config,
    only: only.length > 0 ? only : undefined,
    noCache: process.argv.includes('--no-cache'),
    onProgress: report,
  })
  const built = result.images.filter((image) => image.status === 'built').length
  if (!result.ok) {
    if (lineOpen) console.log('FAILED')
    console.error(`\n${result.message}`)
    return 1
  }
  const total = result.images.reduce((sum, image) => sum + image.sizeBytes, 0)
  console.log(
    `\n${result.images.length} images ready (${built} built, ${result.images.length - built} cached) in ` +
      `${((Date.now() - started) / 1000).toFixed(1)}s; ${formatSize(total)} counted per image (shared layers counted repeatedly).`,
  )
  for (const image of result.images) console.log(`  ${image.tag}`)
  return 0
}

process.exitCode = await main()

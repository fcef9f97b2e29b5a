// `npm run images [-- [--no-cache] [--push <registry>] name ...]`: build (or reuse) every sandbox
// image (or the named ones and what they need), with progress and a summary, then optionally push
// them to a registry by their content-hash tags. Exit 1 on failure, 2 on bad configuration.
import { ensureImages, type ProgressEvent } from './build-images'
import { loadImageBuildConfig } from './config'
import { parseRegistry, pushImages, type PushEvent } from './push-images'

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

function reportPush(event: PushEvent): void {
  if (event.kind === 'start') process.stdout.write(`  push ${event.reference} ... `)
  else console.log(`done ${event.seconds.toFixed(1).padStart(6)}s`)
}

interface Arguments {
  only: string[]
  unknown: string[]
  noCache: boolean
  /** The argument after --push (or after `--push=`); undefined when not pushing. */
  push?: string
  pushRequested: boolean
}

function parseArguments(args: string[]): Arguments {
  const parsed: Arguments = { only: [], unknown: [], noCache: false, pushRequested: false }
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? ''
    if (arg === '--no-cache') parsed.noCache = true
    else if (arg === '--push') {
      parsed.pushRequested = true
      parsed.push = args[i + 1]
      if (parsed.push !== undefined && !parsed.push.startsWith('-')) i++
    } else if (arg.startsWith('--push=')) {
      parsed.pushRequested = true
      parsed.push = arg.slice('--push='.length)
    } else if (arg.startsWith('-')) parsed.unknown.push(arg)
    else parsed.only.push(arg)
  }
  return parsed
}

async function main(): Promise<number> {
  const loaded = loadImageBuildConfig()
  if (!loaded.ok) {
    console.error(loaded.message)
    return 2
  }
  const args = parseArguments(process.argv.slice(2))
  if (args.unknown.length > 0) {
    console.error(
      `Unknown option ${args.unknown.join(', ')}; the options are --no-cache and --push <registry>.`,
    )
    return 2
  }
  const registry = args.pushRequested ? parseRegistry(args.push) : undefined
  if (registry && !registry.ok) {
    console.error(registry.message)
    return 2
  }
  const started = Date.now()
  const result = await ensureImages({
    config: loaded.config,
    only: args.only.length > 0 ? args.only : undefined,
    noCache: args.noCache,
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
  if (!registry) return 0
  console.log(`\nPushing to ${registry.registry}:`)
  const pushed = await pushImages(result.images, registry.registry, reportPush)
  if (!pushed.ok) {
    console.log('FAILED')
    console.error(`\n${pushed.message}`)
    return 1
  }
  console.log(`${pushed.references.length} images pushed; nodes pull them by these tags.`)
  return 0
}

process.exitCode = await main()

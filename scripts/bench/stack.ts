// npm run bench:stack [-- --runs 3] [-- --cold]
// The full HA stack (labs/topologies/ha-stack.yaml) on this machine's engine:
//  1. start-up: time from nothing (no network, no containers) to every service healthy and every
//     one-shot job done, with images already built; several runs, median / min / max;
//  2. memory of one idle stack: sum of the containers' memory use (docker stats) after it settles;
//  3. image builds: with --cold, every image built from scratch (--no-cache, throwaway tags) with
//     per-image and total times; otherwise the last cold measurement, if any.
// Everything it creates carries academy.test=1 and its own runner label, and is removed at the end.
import { existsSync, readFileSync, statSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import Docker from 'dockerode'
import { ensureImages } from '../images/build-images'
import { loadImageBuildConfig } from '../images/config'
import {
  boundedRun,
  describeMachine,
  fmt,
  hasFlag,
  header,
  line,
  flagValue,
  requireStackImages,
} from './support/bench-kit'
import {
  HA_STACK_SLUG,
  haStackCatalog,
  haStackLab,
  median,
  mib,
  newHaStackRegistry,
  removeRunnerResources,
  repoRoot,
  sandboxMemory,
  waitAllHealthy,
} from './support/ha-stack-lab'

const run = promisify(execFile)
const docker = new Docker()
const runs = flagValue('runs', 3)
const cold = hasFlag('cold')
const SETTLE_MS = 20_000
const COLD_REPOSITORY = 'helix-academy-bench'
const resultsFile = path.join(repoRoot, '.data', 'bench-results', 'images-cold.json')

const { registry, instance } = newHaStackRegistry({ docker })
const lab = haStackLab(haStackCatalog())

interface ColdBuild {
  measuredAt: string
  images: Array<{ name: string; seconds: number; sizeMb: number }>
  totalSeconds: number
}

async function startupRuns(): Promise<void> {
  header(`Full stack start-up (${lab.services.length} services, warm images), ${runs} run(s)`)
  const ready: number[] = []
  const healthy: number[] = []
  for (let i = 1; i <= runs; i++) {
    const started = performance.now()
    const created = await registry.create({ userId: `bench-stack-${i}`, labSlug: HA_STACK_SLUG })
    if (created.status !== 'provisioning' && created.status !== 'ready')
      throw new Error(`create refused: ${JSON.stringify(created)}`)
    const id = created.sandbox.id
    const settled = await registry.whenSettled(id)
    if (settled?.state !== 'ready')
      throw new Error(`run ${i}: the stack failed to start: ${settled?.error ?? 'unknown'}`)
    const readyS = (performance.now() - started) / 1000
    const all = await waitAllHealthy(docker, id, lab, { startedAt: started, timeoutMs: 120_000 })
    if (!all.ok)
      throw new Error(`run ${i}: not every service became healthy; still pending: ${all.pending.join(', ')}`)
    ready.push(readyS)
    healthy.push(all.seconds)
    line(`run ${i}`, `runner ready ${fmt(readyS)} s, every service healthy ${fmt(all.seconds)} s`)
    if (i === runs) await idleMemory(id)
    const removeStarted = performance.now()
    await registry.delete(id)
    line(`run ${i} teardown`, `${fmt((performance.now() - removeStarted) / 1000)} s`)
  }
  header('Start-up summary')
  line(
    'every service healthy: median (min–max)',
    `${fmt(median(healthy))} s (${fmt(Math.min(...healthy))}–${fmt(Math.max(...healthy))})`,
  )
  line(
    'runner says ready: median (min–max)',
    `${fmt(median(ready))} s (${fmt(Math.min(...ready))}–${fmt(Math.max(...ready))})`,
  )
}

async function idleMemory(id: string): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS))
  const memory = await sandboxMemory(id)
  const limits = lab.services.length
  header(
    `Idle memory of one full stack (after ${SETTLE_MS / 1000} s idle; docker stats, page cache excluded)`,
  )
  for (const [host, bytes] of Object.entries(memory.byHost).sort((a, b) => b[1] - a[1]))
    line(host, `${fmt(mib(bytes))} MiB`)
  line(
    `total (${Object.keys(memory.byHost).length} running of ${limits} services)`,
    `${fmt(mib(memory.totalBytes))} MiB`,
  )
}

function printBuild(build: ColdBuild, source: string): void {
  header(`Image build from scratch (${source}, measured ${build.measuredAt})`)
  for (const image of build.images) line(image.name, `${fmt(image.seconds)} s  ${fmt(image.sizeMb, 0)} MB`)
  line('total (base image present, not bootstrapped)', `${fmt(build.totalSeconds)} s`)
}

async function coldBuild(): Promise<void> {
  const loaded = loadImageBuildConfig()
  if (!loaded.ok) throw new Error(loaded.message)
  // Own repository and data folder: no existing hash tag is reused, and the real build logs stay.
  const dataDir = await mkdtemp(path.join(tmpdir(), 'academy-cold-build-'))
  const started = performance.now()
  try {
    const result = await ensureImages({
      config: { ...loaded.config, repository: COLD_REPOSITORY, dataDir },
      noCache: true,
      labels: { 'academy.test': '1' },
      onProgress: (event) => {
        if (event.kind === 'done')
          console.log(`  built ${event.outcome.name} in ${fmt(event.outcome.seconds)} s`)
      },
    })
    if (!result.ok) throw new Error(`cold build failed: ${result.message}`)
    const build: ColdBuild = {
      measuredAt: new Date().toISOString(),
      images: result.images.map((image) => ({
        name: image.name,
        seconds: image.seconds,
        sizeMb: image.sizeBytes / 1e6,
      })),
      totalSeconds: (performance.now() - started) / 1000,
    }
    await mkdir(path.dirname(resultsFile), { recursive: true })
    await writeFile(resultsFile, `${JSON.stringify(build, null, 2)}\n`)
    printBuild(build, '--cold, just now')
  } finally {
    await rm(dataDir, { recursive: true, force: true })
    const { stdout } = await run('docker', [
      'images',
      '--format',
      '{{.Repository}}:{{.Tag}}',
      '--filter',
      `reference=${COLD_REPOSITORY}/*`,
    ])
    const tags = stdout.split('\n').filter(Boolean)
    if (tags.length > 0) await run('docker', ['rmi', '-f', ...tags]).catch(() => undefined)
  }
}

/** Without --cold: the last cold measurement, else what the regular build logs show, else a hint. */
function lastBuild(): void {
  if (existsSync(resultsFile)) {
    printBuild(
      JSON.parse(readFileSync(resultsFile, 'utf8')) as ColdBuild,
      `last \`npm run bench:stack -- --cold\``,
    )
    return
  }
  // A build log starts with `# <ISO time> <name>`; when it holds a `docker build`, its mtime is the end.
  const logDir = path.join(repoRoot, '.data', 'logs', 'images')
  const images: ColdBuild['images'] = []
  for (const name of [
    'postgres',
    'pgbouncer',
    'redis',
    'haproxy',
    'prometheus',
    'alertmanager',
    'exporters',
    'helixagent',
    'workstation',
    'grader',
  ]) {
    const file = path.join(logDir, `${name}.log`)
    if (!existsSync(file)) continue
    const text = readFileSync(file, 'utf8')
    const startedAt = Date.parse(/^# (\S+)/.exec(text)?.[1] ?? '')
    if (!text.includes('$ docker build') || !/Successfully built/.test(text) || Number.isNaN(startedAt))
      continue
    const { mtimeMs } = statSync(file)
    images.push({ name, seconds: (mtimeMs - startedAt) / 1000, sizeMb: Number.NaN })
  }
  if (images.length === 0) {
    header('Image build')
    console.log(
      '  no cold-build measurement yet and the build logs show only cached images; run `npm run bench:stack -- --cold`',
    )
    return
  }
  header('Image builds found in .data/logs/images (last real build of each; may have used the layer cache)')
  for (const image of images) line(image.name, `${fmt(image.seconds)} s`)
}

await boundedRun({
  name: 'bench:stack',
  limitMs: (cold ? 45 : 10) * 60_000 + runs * 150_000,
  body: async () => {
    console.log(`machine at start: ${await describeMachine(instance)}`)
    if (cold) await coldBuild()
    await requireStackImages()
    await registry.start()
    await startupRuns()
    if (!cold) lastBuild()
  },
  cleanup: async () => {
    console.log(`\nmachine at end: ${await describeMachine(instance)}`)
    await registry.stop()
    await removeRunnerResources(docker, instance)
  },
})

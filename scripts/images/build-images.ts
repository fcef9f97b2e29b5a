// Builds every sandbox image in dependency order, each tagged by a content hash so an
// unchanged image is never rebuilt: `<repository>/<name>:<12 hex>` plus `:latest`.
import { existsSync } from 'node:fs'
import { cp, mkdir, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { ensureBaseImage } from './base-image'
import { withBuildLock } from './build-lock'
import { failingStep, logTail } from './build-log'
import { imageCatalog, type ImageSpec } from './catalog'
import { loadImageBuildConfig, type ImageBuildConfig } from './config'
import { computeContextHash } from './context-hash'
import { checkEngine, docker, imageId, run, tagImage } from './docker-cli'

export interface ImageOutcome {
  name: string
  /** `<repository>/<name>:<hash>` */
  tag: string
  id: string
  status: 'cached' | 'built'
  seconds: number
  sizeBytes: number
}

export type ProgressEvent =
  | { kind: 'base'; how: 'present' | 'pulled' | 'bootstrapped'; reference: string; seconds: number }
  | { kind: 'start'; name: string; hash: string }
  | { kind: 'done'; outcome: ImageOutcome }

export type FailureReason =
  'no-engine' | 'config' | 'invalid-catalog' | 'base-image' | 'missing-input' | 'build-failed'

export type EnsureImagesResult =
  | { ok: true; images: ImageOutcome[]; baseImageId: string }
  | {
      ok: false
      reason: FailureReason
      message: string
      image?: string
      step?: string
      logFile?: string
      images: ImageOutcome[]
    }

export interface EnsureImagesOptions {
  config?: ImageBuildConfig
  catalog?: readonly ImageSpec[]
  /** Build only these images (and what they depend on). Default: all. */
  only?: string[]
  /** Extra labels on every built image (tests add academy.test=1). */
  labels?: Record<string, string>
  onProgress?: (event: ProgressEvent) => void
  /** Pass --no-cache to docker build (cold-build timings); hash-tag reuse still applies. */
  noCache?: boolean
}

type Ordered = { ok: true; specs: ImageSpec[] } | { ok: false; message: string }

/** Dependency order (stable: catalog order among equals), limited to `only` plus dependencies. */
export function orderImages(catalog: readonly ImageSpec[], only?: string[]): Ordered {
  const byName = new Map(catalog.map((spec) => [spec.name, spec]))
  for (const spec of catalog) {
    for (const dep of [...spec.after, ...Object.values(spec.imageArgs)]) {
      if (!byName.has(dep))
        return { ok: false, message: `image "${spec.name}" depends on unknown image "${dep}".` }
    }
    for (const dep of Object.values(spec.imageArgs)) {
      if (!spec.after.includes(dep)) {
        return {
          ok: false,
          message: `image "${spec.name}" uses image "${dep}" as a build arg but does not list it in "after".`,
        }
      }
    }
  }
  for (const name of only ?? []) {
    if (!byName.has(name)) {
      return {
        ok: false,
        message: `unknown image "${name}"; known images: ${[...byName.keys()].join(', ')}.`,
      }
    }
  }
  const ordered: ImageSpec[] = []
  const state = new Map<string, 'visiting' | 'done'>()
  const visit = (name: string, chain: string[]): string | undefined => {
    if (state.get(name) === 'done') return undefined
    if (state.get(name) === 'visiting') return `dependency cycle: ${[...chain, name].join(' -> ')}`
    state.set(name, 'visiting')
    const spec = byName.get(name)
    if (!spec) return `unknown image "${name}"`
    for (const dep of spec.after) {
      const problem = visit(dep, [...chain, name])
      if (problem) return problem
    }
    state.set(name, 'done')
    ordered.push(spec)
    return undefined
  }
  for (const name of only ?? catalog.map((spec) => spec.name)) {
    const problem = visit(name, [])
    if (problem) return { ok: false, message: problem }
  }
  return { ok: true, specs: ordered }
}

interface PreparedContext {
  dir: string
  hashContexts: { dir: string; prefix: string }[]
}

/** The folder docker builds from: the image folder itself, or a staged copy plus extras. */
async function prepareContext(spec: ImageSpec, config: ImageBuildConfig): Promise<PreparedContext | string> {
  const source = path.join(config.projectRoot, spec.dir)
  if (!existsSync(path.join(source, 'Dockerfile'))) return `${spec.dir}/Dockerfile does not exist.`
  if (spec.extras.length === 0) return { dir: source, hashContexts: [{ dir: source, prefix: '' }] }
  for (const extra of spec.extras) {
    for (const file of extra.required) {
      if (!existsSync(path.join(config.projectRoot, extra.from, file))) {
        return `${extra.from}/${file} is missing (needed by image "${spec.name}"). ${extra.missingHint}`
      }
    }
  }
  const staged = path.join(config.dataDir, 'images', 'context', spec.name)
  await rm(staged, { recursive: true, force: true })
  await mkdir(path.dirname(staged), { recursive: true })
  await cp(source, staged, { recursive: true })
  for (const extra of spec.extras) {
    await cp(path.join(config.projectRoot, extra.from), path.join(staged, extra.to), { recursive: true })
  }
  return { dir: staged, hashContexts: [{ dir: staged, prefix: '' }] }
}

async function imageSize(reference: string): Promise<number> {
  const result = await docker(['image', 'inspect', '--format', '{{.Size}}', reference])
  return Number.parseInt(result.stdout.trim(), 10) || 0
}

export async function ensureImages(options: EnsureImagesOptions = {}): Promise<EnsureImagesResult> {
  const images: ImageOutcome[] = []
  let config = options.config
  if (!config) {
    const loaded = loadImageBuildConfig()
    if (!loaded.ok) return { ok: false, reason: 'config', message: loaded.message, images }
    config = loaded.config
  }
  const engine = await checkEngine()
  if (!engine.ok) {
    return {
      ok: false,
      reason: 'no-engine',
      message:
        `No Docker engine answers (${engine.reason}). Lab images need one: run \`bash scripts/ensure-docker.sh\` ` +
        '(as root on Debian/Ubuntu it installs and starts dockerd), then retry.',
      images,
    }
  }
  const ordered = orderImages(options.catalog ?? imageCatalog, options.only)
  if (!ordered.ok) return { ok: false, reason: 'invalid-catalog', message: ordered.message, images }
  const ready = config
  return withBuildLock(ready.dataDir, () => buildInOrder(ordered.specs, ready, options))
}

async function buildInOrder(
  specs: ImageSpec[],
  config: ImageBuildConfig,
  options: EnsureImagesOptions,
): Promise<EnsureImagesResult> {
  const images: ImageOutcome[] = []

  const logDir = path.join(config.dataDir, 'logs', 'images')
  await mkdir(logDir, { recursive: true })
  const baseStarted = Date.now()
  const base = await ensureBaseImage({
    reference: config.baseImage,
    workDir: path.join(config.dataDir, 'images', 'base'),
    logFile: path.join(logDir, 'base.log'),
    mirror: config.debianMirror,
  })
  if (!base.ok) return { ok: false, reason: 'base-image', message: base.message, images }
  options.onProgress?.({
    kind: 'base',
    how: base.how,
    reference: config.baseImage,
    seconds: (Date.now() - baseStarted) / 1000,
  })

  const hashTags = new Map<string, string>()
  for (const spec of specs) {
    const started = Date.now()
    const logFile = path.join(logDir, `${spec.name}.log`)
    await writeFile(logFile, `# ${new Date().toISOString()} ${spec.name}\n`)

    if (spec.prepare && existsSync(path.join(config.projectRoot, spec.prepare.script))) {
      await writeFile(logFile, `$ ${spec.prepare.command.join(' ')}\n`, { flag: 'a' })
      const [command = 'true', ...args] = spec.prepare.command
      const prepared = await run(command, args, { cwd: config.projectRoot, logFile, timeoutMs: 300_000 })
      if (prepared.code !== 0) {
        return {
          ok: false,
          reason: 'build-failed',
          image: spec.name,
          step: `prepare: ${spec.prepare.command.join(' ')}`,
          logFile,
          message: `image "${spec.name}" failed at prepare step \`${spec.prepare.command.join(' ')}\` (exit ${prepared.code}). Last lines of ${logFile}:\n${await logTail(logFile)}`,
          images,
        }
      }
    }

    const context = await prepareContext(spec, config)
    if (typeof context === 'string') {
      return {
        ok: false,
        reason: 'missing-input',
        image: spec.name,
        message: `image "${spec.name}": ${context}`,
        images,
      }
    }
    const buildArgs: Record<string, string> = { BASE: config.baseImage }
    for (const [arg, dep] of Object.entries(spec.imageArgs)) {
      const depTag = hashTags.get(dep)
      if (!depTag)
        return {
          ok: false,
          reason: 'invalid-catalog',
          image: spec.name,
          message: `image "${dep}" was not built before "${spec.name}".`,
          images,
        }
      buildArgs[arg] = depTag
    }
    const hash = await computeContextHash({ contexts: context.hashContexts, buildArgs, baseImageId: base.id })
    const repo = `${config.repository}/${spec.name}`
    const tag = `${repo}:${hash}`
    hashTags.set(spec.name, tag)
    options.onProgress?.({ kind: 'start', name: spec.name, hash })

    let id = await imageId(tag)
    let status: ImageOutcome['status'] = 'cached'
    if (!id) {
      status = 'built'
      const labels = { 'academy.image': spec.name, 'academy.content-hash': hash, ...options.labels }
      const args = ['build', '--rm', '--force-rm', ...(options.noCache ? ['--no-cache'] : []), '-t', tag]
      for (const [key, value] of Object.entries(buildArgs)) args.push('--build-arg', `${key}=${value}`)
      for (const [key, value] of Object.entries(labels)) args.push('--label', `${key}=${value}`)
      args.push(context.dir)
      await writeFile(logFile, `$ docker ${args.join(' ')}\n`, { flag: 'a' })
      // The classic builder: its "Step N/M" log names the failing step, and no buildx plugin is needed.
      const built = await run('docker', args, { logFile, env: { ...process.env, DOCKER_BUILDKIT: '0' } })
      id = await imageId(tag)
      if (built.code !== 0 || !id) {
        const fullLog = built.stdout + built.stderr
        const step = failingStep(fullLog)
        return {
          ok: false,
          reason: 'build-failed',
          image: spec.name,
          step,
          logFile,
          message: `image "${spec.name}" failed to build${step ? ` at ${step}` : ''}. Last lines of ${logFile}:\n${await logTail(logFile)}`,
          images,
        }
      }
    }
    if ((await imageId(`${repo}:latest`)) !== id) await tagImage(tag, `${repo}:latest`)
    const outcome: ImageOutcome = {
      name: spec.name,
      tag,
      id,
      status,
      seconds: (Date.now() - started) / 1000,
      sizeBytes: await imageSize(tag),
    }
    images.push(outcome)
    options.onProgress?.({ kind: 'done', outcome })
  }
  return { ok: true, images, baseImageId: base.id }
}

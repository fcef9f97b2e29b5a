// The image builder against the real Docker engine: content hashing, dependency order,
// a failing build's report, the real build of every lab image, and pushes to a real registry.
import { spawn, type ChildProcess } from 'node:child_process'
import { chmod, mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureImages, orderImages } from './build-images'
import { imageCatalog, type ImageSpec } from './catalog'
import { loadImageBuildConfig, type ImageBuildConfig } from './config'
import { computeContextHash } from './context-hash'
import { docker, run } from './docker-cli'
import { parseRegistry, pushImages } from './push-images'
import { freePort } from '../../tests/support/free-port'

const TEST_REPOSITORY = 'helix-academy-test'
const temporaryDirs: string[] = []

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'academy-images-'))
  temporaryDirs.push(dir)
  return dir
}

function realConfig(): ImageBuildConfig {
  const loaded = loadImageBuildConfig()
  if (!loaded.ok) throw new Error(loaded.message)
  return loaded.config
}

/** A throw-away project tree with one image folder per entry, built under helix-academy-test/. */
async function scratchProject(
  images: Record<string, string>,
): Promise<{ config: ImageBuildConfig; catalog: ImageSpec[] }> {
  const root = await tempDir()
  const catalog: ImageSpec[] = []
  for (const [name, dockerfile] of Object.entries(images)) {
    await mkdir(path.join(root, 'labs/images', name), { recursive: true })
    await writeFile(path.join(root, 'labs/images', name, 'Dockerfile'), dockerfile)
    catalog.push({ name, dir: `labs/images/${name}`, after: [], imageArgs: {}, extras: [] })
  }
  const config = {
    ...realConfig(),
    projectRoot: root,
    dataDir: path.join(root, '.data'),
    repository: TEST_REPOSITORY,
  }
  return { config, catalog }
}

afterAll(async () => {
  const listed = await docker([
    'image',
    'ls',
    '-q',
    '--filter',
    'label=academy.test=1',
    '--filter',
    `reference=${TEST_REPOSITORY}/*`,
  ])
  const ids = [...new Set(listed.stdout.split('\n').filter(Boolean))]
  if (ids.length > 0) await docker(['image', 'rm', '-f', ...ids])
  await Promise.all(temporaryDirs.map((dir) => rm(dir, { recursive: true, force: true })))
})

describe('computeContextHash', () => {
  it('is stable for the same inputs and changes with content, executable bit, args and base', async () => {
    const dir = await tempDir()
    await mkdir(path.join(dir, 'conf'))
    await writeFile(path.join(dir, 'Dockerfile'), 'FROM scratch\n')
    await writeFile(path.join(dir, 'conf', 'a.conf'), 'setting = 1\n')
    const inputs = { contexts: [{ dir, prefix: '' }], buildArgs: { BASE: 'b:1' }, baseImageId: 'sha256:aaa' }

    const first = await computeContextHash(inputs)
    expect(first).toMatch(/^[0-9a-f]{12}$/)
    expect(await computeContextHash(inputs)).toBe(first)

    await writeFile(path.join(dir, 'conf', 'a.conf'), 'setting = 2\n')
    const edited = await computeContextHash(inputs)
    expect(edited).not.toBe(first)

    await chmod(path.join(dir, 'conf', 'a.conf'), 0o755)
    const executable = await computeContextHash(inputs)
    expect(executable).not.toBe(edited)

    expect(await computeContextHash({ ...inputs, buildArgs: { BASE: 'b:2' } })).not.toBe(executable)
    expect(await computeContextHash({ ...inputs, baseImageId: 'sha256:bbb' })).not.toBe(executable)

    await writeFile(path.join(dir, 'conf', 'new.conf'), '')
    expect(await computeContextHash(inputs)).not.toBe(executable)
  })
})

describe('orderImages', () => {
  it('puts dependencies first and pulls them in when only a dependent is asked for', () => {
    const ordered = orderImages(imageCatalog, ['workstation'])
    if (!ordered.ok) throw new Error(ordered.message)
    expect(ordered.specs.map((spec) => spec.name)).toEqual([
      'prometheus',
      'alertmanager',
      'helixagent',
      'workstation',
    ])
  })

  it('rejects cycles and unknown names with the names in the message', () => {
    const loop: ImageSpec[] = [
      { name: 'a', dir: 'a', after: ['b'], imageArgs: {}, extras: [] },
      { name: 'b', dir: 'b', after: ['a'], imageArgs: {}, extras: [] },
    ]
    const cycle = orderImages(loop)
    expect(cycle.ok).toBe(false)
    if (!cycle.ok) expect(cycle.message).toContain('a -> b -> a')
    const unknown = orderImages(imageCatalog, ['nope'])
    expect(unknown.ok).toBe(false)
    if (!unknown.ok) expect(unknown.message).toContain('"nope"')
  })
})

describe('npm run images without an engine', () => {
  it('stops with exit 1 and says how to get a Docker engine', async () => {
    const result = await run('npx', ['tsx', 'scripts/images/build.ts'], {
      cwd: realConfig().projectRoot,
      env: { ...process.env, DOCKER_HOST: 'unix:///nonexistent/docker.sock' },
      timeoutMs: 60_000,
    })
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('No Docker engine answers')
    expect(result.stderr).toContain('bash scripts/ensure-docker.sh')
  }, 60_000)
})

describe('ensureImages with Docker', () => {
  it('builds a small image once, then reuses it by its content-hash tag', async () => {
    const { config, catalog } = await scratchProject({
      tiny: 'ARG BASE\nFROM ${BASE}\nRUN echo built > /built.txt\n',
    })
    const first = await ensureImages({ config, catalog, labels: { 'academy.test': '1' } })
    if (!first.ok) throw new Error(first.message)
    expect(first.images[0]).toMatchObject({ name: 'tiny', status: 'built' })
    expect(first.images[0]?.tag).toMatch(new RegExp(`^${TEST_REPOSITORY}/tiny:[0-9a-f]{12}$`))

    const second = await ensureImages({ config, catalog, labels: { 'academy.test': '1' } })
    if (!second.ok) throw new Error(second.message)
    expect(second.images[0]).toMatchObject({
      name: 'tiny',
      status: 'cached',
      tag: first.images[0]?.tag,
      id: first.images[0]?.id,
    })

    const latest = await docker(['image', 'inspect', '--format', '{{.Id}}', `${TEST_REPOSITORY}/tiny:latest`])
    expect(latest.stdout.trim()).toBe(first.images[0]?.id)
  }, 120_000)

  it('reports the image name, the failing step and the log tail when a build fails', async () => {
    const { config, catalog } = await scratchProject({
      broken:
        'ARG BASE\nFROM ${BASE}\nRUN echo step-one-ok\nRUN echo about-to-fail && exit 3\nRUN echo never\n',
    })
    const result = await ensureImages({ config, catalog, labels: { 'academy.test': '1' } })
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.reason).toBe('build-failed')
    expect(result.image).toBe('broken')
    // The classic builder counts the --label flags as extra steps at the end, hence "4/N".
    expect(result.step).toMatch(/^Step 4\/\d+ : RUN echo about-to-fail && exit 3$/)
    expect(result.message).toContain(`image "broken" failed to build at ${result.step ?? '?'}`)
    expect(result.message).toContain('about-to-fail')
    expect(result.message).toContain(path.join(config.dataDir, 'logs/images/broken.log'))
  }, 120_000)

  it('says which file is missing when an image folder has no Dockerfile', async () => {
    const { config } = await scratchProject({})
    const catalog: ImageSpec[] = [
      { name: 'ghost', dir: 'labs/images/ghost', after: [], imageArgs: {}, extras: [] },
    ]
    const result = await ensureImages({ config, catalog })
    expect(result).toMatchObject({ ok: false, reason: 'missing-input', image: 'ghost' })
    if (!result.ok) expect(result.message).toContain('labs/images/ghost/Dockerfile does not exist')
  })

  it('builds (or reuses) every lab image, each tagged by hash and :latest', async () => {
    const result = await ensureImages()
    if (!result.ok) throw new Error(result.message)
    expect(result.images.map((image) => image.name).sort()).toEqual(
      imageCatalog.map((spec) => spec.name).sort(),
    )
    for (const image of result.images) {
      expect(image.tag).toMatch(new RegExp(`^helix-academy/${image.name}:[0-9a-f]{12}$`))
      const latest = await docker([
        'image',
        'inspect',
        '--format',
        '{{.Id}}',
        `helix-academy/${image.name}:latest`,
      ])
      expect(latest.stdout.trim()).toBe(image.id)
    }
    const workstation = result.images.find((image) => image.name === 'workstation')
    const probe = await docker([
      'run',
      '--rm',
      '--label',
      'academy.test=1',
      workstation?.tag ?? 'missing',
      'bash',
      '-c',
      'id -un; id -u; helixagent version; promtool --version >/dev/null && echo promtool-ok; command -v tmux psql redis-cli jq gpg curl >/dev/null && echo tools-ok; man -w psql >/dev/null && echo man-ok',
    ])
    expect(probe.stdout.split('\n').slice(0, 2)).toEqual(['learner', '1000'])
    expect(probe.stdout).toContain('helixagent ')
    expect(probe.stdout).toContain('promtool-ok')
    expect(probe.stdout).toContain('tools-ok')
    expect(probe.stdout).toContain('man-ok')
  }, 1_800_000)
})

describe('--push <registry>', () => {
  it('accepts a host and port, and says what it wants for anything else', () => {
    expect(parseRegistry('127.0.0.1:5000')).toEqual({ ok: true, registry: '127.0.0.1:5000' })
    expect(parseRegistry('registry.example.org')).toEqual({ ok: true, registry: 'registry.example.org' })
    for (const bad of ['http://127.0.0.1:5000', '127.0.0.1:5000/academy', 'host:99999', 'a b']) {
      const parsed = parseRegistry(bad)
      expect(parsed.ok, bad).toBe(false)
      if (!parsed.ok) expect(parsed.message).toContain('without a scheme or path')
    }
    const missing = parseRegistry(undefined)
    expect(missing.ok).toBe(false)
    if (!missing.ok) expect(missing.message).toContain('--push needs a registry address')
  })

  it('refuses a --push without an address before building anything', async () => {
    const result = await run('npx', ['tsx', 'scripts/images/build.ts', '--push', '--no-cache'], {
      cwd: realConfig().projectRoot,
      timeoutMs: 60_000,
    })
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('--push needs a registry address')
    expect(result.stdout).not.toContain('images ready')
  }, 60_000)

  describe('against a real registry (Debian docker-registry) on loopback', () => {
    let registry: ChildProcess
    let address = ''

    beforeAll(async () => {
      const dir = await tempDir()
      const port = await freePort()
      address = `127.0.0.1:${port}`
      const config = path.join(dir, 'registry.yml')
      await writeFile(
        config,
        `version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: ${dir}/storage\n` +
          `http:\n  addr: ${address}\n`,
      )
      registry = spawn('docker-registry', ['serve', config], { stdio: 'ignore' })
      const deadline = Date.now() + 30_000
      for (;;) {
        const answer = await fetch(`http://${address}/v2/`).catch(() => undefined)
        if (answer?.ok) break
        if (Date.now() > deadline) throw new Error(`docker-registry did not answer on ${address} within 30 s`)
        await new Promise((resolve) => setTimeout(resolve, 200))
      }
    }, 60_000)

    afterAll(() => {
      registry?.kill()
    })

    it('pushes each image under its content-hash tag, and leaves no registry tag behind locally', async () => {
      const { config, catalog } = await scratchProject({
        pushed: 'ARG BASE\nFROM ${BASE}\nRUN echo pushed > /pushed.txt\n',
      })
      const built = await ensureImages({ config, catalog, labels: { 'academy.test': '1' } })
      if (!built.ok) throw new Error(built.message)
      const hash = built.images[0]?.tag.split(':')[1]

      const pushed = await pushImages(built.images, address)
      if (!pushed.ok) throw new Error(pushed.message)
      expect(pushed.references).toEqual([`${address}/${TEST_REPOSITORY}/pushed:${hash}`])

      const tags = await fetch(`http://${address}/v2/${TEST_REPOSITORY}/pushed/tags/list`)
      expect(await tags.json()).toEqual({ name: `${TEST_REPOSITORY}/pushed`, tags: [hash] })
      const local = await docker(['image', 'ls', '-q', `${address}/${TEST_REPOSITORY}/pushed`])
      expect(local.stdout.trim()).toBe('')
    }, 180_000)

    it('names the image and asks about the registry when nothing answers there', async () => {
      const { config, catalog } = await scratchProject({
        unpushed: 'ARG BASE\nFROM ${BASE}\nRUN echo unpushed > /unpushed.txt\n',
      })
      const built = await ensureImages({ config, catalog, labels: { 'academy.test': '1' } })
      if (!built.ok) throw new Error(built.message)
      const nowhere = `127.0.0.1:${await freePort()}`
      const pushed = await pushImages(built.images, nowhere)
      expect(pushed.ok).toBe(false)
      if (pushed.ok) return
      expect(pushed.message).toContain(`Pushing ${nowhere}/${TEST_REPOSITORY}/unpushed:`)
      expect(pushed.message).toContain('connection refused')
      expect(pushed.message).toContain('Is the registry running')
    }, 180_000)
  })
})

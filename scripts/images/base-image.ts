// The base every lab image builds FROM: helix-academy/debian:bookworm.
// Present -> use it. Else `docker pull debian:bookworm-slim` and tag it. Else (no registry, the
// usual case here) debootstrap a minimal bookworm from the host's Debian mirror and import it.
import { existsSync } from 'node:fs'
import { mkdir, readdir, readFile, rm } from 'node:fs/promises'
import { spawn } from 'node:child_process'
import path from 'node:path'
import { docker, imageId, run, tagImage } from './docker-cli'

export type BaseImageResult =
  { ok: true; id: string; how: 'present' | 'pulled' | 'bootstrapped' } | { ok: false; message: string }

export interface BaseImageOptions {
  reference: string
  /** Where debootstrap unpacks (removed afterwards) and where its log goes. */
  workDir: string
  logFile: string
  /** Debian mirror; default: the first bookworm mirror in the host's apt sources. */
  mirror?: string
  pullReference?: string
}

const fallbackMirror = 'http://deb.debian.org/debian'

/** Finds the mirror serving `bookworm` in /etc/apt/sources.list{,.d/*} (one-line and deb822 formats). */
export async function hostDebianMirror(aptDir = '/etc/apt'): Promise<string> {
  const files = [path.join(aptDir, 'sources.list')]
  const partsDir = path.join(aptDir, 'sources.list.d')
  if (existsSync(partsDir)) {
    for (const name of (await readdir(partsDir)).sort()) files.push(path.join(partsDir, name))
  }
  for (const file of files) {
    if (!existsSync(file)) continue
    const text = await readFile(file, 'utf8')
    for (const line of text.split('\n')) {
      const oneLine = /^\s*deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+bookworm\s/.exec(line)
      if (oneLine?.[1]) return oneLine[1]
    }
    for (const stanza of text.split(/\n\s*\n/)) {
      const uri = /^URIs:\s*(\S+)/m.exec(stanza)?.[1]
      const suites = /^Suites:\s*(.+)$/m.exec(stanza)?.[1]?.split(/\s+/) ?? []
      if (uri && /^Types:.*\bdeb\b/m.test(stanza) && suites.includes('bookworm')) return uri
    }
  }
  return fallbackMirror
}

async function bootstrap(options: BaseImageOptions): Promise<BaseImageResult> {
  const log = options.logFile
  if (process.getuid?.() !== 0) {
    return {
      ok: false,
      message:
        `No base image ${options.reference} and no registry to pull debian:bookworm-slim from. ` +
        'Bootstrapping one needs root (debootstrap): run `npm run images` as root once, or import any Debian bookworm ' +
        `root filesystem with \`docker import\` as ${options.reference}.`,
    }
  }
  if ((await run('sh', ['-c', 'command -v debootstrap'])).code !== 0) {
    const install = await run('sh', ['-c', 'apt-get update -qq && apt-get install -y -qq debootstrap'], {
      logFile: log,
    })
    if (install.code !== 0) {
      return {
        ok: false,
        message: `Installing debootstrap with apt-get failed (see ${log}). Install it and retry.`,
      }
    }
  }
  const mirror = options.mirror ?? (await hostDebianMirror())
  const rootfs = path.join(options.workDir, 'rootfs')
  await rm(rootfs, { recursive: true, force: true })
  await mkdir(rootfs, { recursive: true })
  const strap = await run('debootstrap', ['--variant=minbase', 'bookworm', rootfs, mirror], { logFile: log })
  if (strap.code !== 0) {
    return {
      ok: false,
      message: `debootstrap bookworm from ${mirror} failed (exit ${strap.code}); see ${log}.`,
    }
  }
  // Drop what debootstrap leaves behind for itself: every image runs `apt-get update` anyway.
  await run('sh', [
    '-c',
    `rm -rf "${rootfs}"/var/cache/apt/archives/*.deb "${rootfs}"/var/cache/apt/*.bin "${rootfs}"/var/lib/apt/lists/*`,
  ])
  const tar = spawn('tar', ['-C', rootfs, '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] })
  const imported = await docker(['import', '-', options.reference], { input: tar.stdout, logFile: log })
  await rm(rootfs, { recursive: true, force: true })
  const id = await imageId(options.reference)
  if (imported.code !== 0 || !id) {
    return { ok: false, message: `docker import of the bootstrapped root filesystem failed; see ${log}.` }
  }
  return { ok: true, id, how: 'bootstrapped' }
}

export async function ensureBaseImage(options: BaseImageOptions): Promise<BaseImageResult> {
  const present = await imageId(options.reference)
  if (present) return { ok: true, id: present, how: 'present' }
  await mkdir(path.dirname(options.logFile), { recursive: true })
  const pullReference = options.pullReference ?? 'debian:bookworm-slim'
  const pulled = await docker(['pull', pullReference], { timeoutMs: 120_000, logFile: options.logFile })
  if (pulled.code === 0) {
    await tagImage(pullReference, options.reference)
    const id = await imageId(options.reference)
    if (id) return { ok: true, id, how: 'pulled' }
  }
  return bootstrap(options)
}

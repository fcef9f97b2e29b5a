// Small pieces every benchmark needs: command-line flags, a wall-clock bound that still cleans
// up, cleanup on Ctrl-C, and a uniform way to print a figure.
import { readFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import Docker from 'dockerode'
import { ensureImages } from '../../images/build-images'

export function flagValue(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`)
  const raw = index >= 0 ? process.argv[index + 1] : undefined
  const value = raw === undefined ? fallback : Number(raw)
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`--${name} must be a positive number (got ${String(raw)})`)
  return value
}

export const hasFlag = (name: string) => process.argv.includes(`--${name}`)

/**
 * Runs `body`, then `cleanup` exactly once — also when the body throws, when the time bound
 * is hit, or on SIGINT/SIGTERM — and sets the exit code.
 */
export async function boundedRun(options: {
  name: string
  limitMs: number
  body: () => Promise<void>
  cleanup: () => Promise<void>
}): Promise<void> {
  let cleaned: Promise<void> | undefined
  const cleanupOnce = () =>
    (cleaned ??= options
      .cleanup()
      .catch((error: unknown) => console.error(`cleanup failed: ${String(error)}`)))
  const abort = (why: string) => {
    console.error(`\n${options.name}: ${why}; cleaning up`)
    void cleanupOnce().then(() => process.exit(1))
  }
  const timer = setTimeout(
    () => abort(`took longer than ${Math.round(options.limitMs / 1000)} s`),
    options.limitMs,
  )
  process.once('SIGINT', () => abort('interrupted'))
  process.once('SIGTERM', () => abort('terminated'))
  try {
    await options.body()
  } catch (error) {
    console.error(
      `\n${options.name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    )
    process.exitCode = 1
  } finally {
    clearTimeout(timer)
    await cleanupOnce()
  }
}

/** The ha-stack images, built or reused (content-hash cache), so a benchmark never times a build by accident. */
export async function requireStackImages(): Promise<void> {
  const result = await ensureImages()
  if (!result.ok) throw new Error(`lab images are not available: ${result.message}`)
  const built = result.images.filter((image) => image.status === 'built').map((image) => image.name)
  if (built.length > 0) console.log(`(built first, not timed: ${built.join(', ')})`)
}

export const fmt = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a')

export function line(label: string, value: string): void {
  console.log(`  ${label.padEnd(44)} ${value}`)
}

export function header(title: string): void {
  console.log(`\n${title}`)
}

/** Figures mean little without the machine's state: cores, load, and running containers that are not ours. */
export async function describeMachine(ownLabel?: string): Promise<string> {
  const [one, five] = loadavg()
  const all = await new Docker().listContainers()
  const others = ownLabel ? all.filter((c) => c.Labels['academy.runner'] !== ownLabel).length : all.length
  return `${cpus().length} cores, load average ${fmt(one ?? 0, 1)} (1 min) / ${fmt(five ?? 0, 1)} (5 min), ${others} other running containers`
}

/** Busy and total CPU time (jiffies) of the whole machine, from the first line of /proc/stat. */
function cpuTimes(): { busy: number; total: number } {
  const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '')
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number)
  const total = fields.reduce((a, b) => a + b, 0)
  // idle + iowait are the machine waiting; everything else (user, system, irq, steal…) is work.
  const waiting = (fields[3] ?? 0) + (fields[4] ?? 0)
  return { busy: total - waiting, total }
}

/**
 * How many cores the whole machine kept busy over `windowMs` — containers, the engine, runc and
 * the shims alike (a container's own cgroup misses the engine's work for it, e.g. healthchecks).
 */
export async function machineBusyCores(windowMs: number): Promise<number> {
  const before = cpuTimes()
  await new Promise((resolve) => setTimeout(resolve, windowMs))
  const after = cpuTimes()
  const total = after.total - before.total
  return total > 0 ? ((after.busy - before.busy) / total) * cpus().length : 0
}

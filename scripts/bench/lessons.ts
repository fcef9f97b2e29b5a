// npm run bench:lessons — cold and warm lesson render time, and the JavaScript a lesson page ships.
// Starts the production build on a spare port with its own data folder and an empty MDX cache,
// then requests lessons over loopback. Needs `npm run build` first.
import { spawn } from 'node:child_process'
import { rm } from 'node:fs/promises'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { loadCourse } from '../../server/content/load-content'

const root = path.resolve(import.meta.dirname, '../..')
const port = 3290
const base = `http://127.0.0.1:${port}`
const WARM_RUNS = 9

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] ?? NaN
}

async function timed(url: string): Promise<{ ms: number; html: string }> {
  const started = performance.now()
  const res = await fetch(url)
  const html = await res.text()
  if (!res.ok) throw new Error(`${url} answered ${res.status}`)
  return { ms: performance.now() - started, html }
}

async function waitHealthy() {
  for (let i = 0; i < 240; i++) {
    if (
      await fetch(`${base}/api/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return
    await new Promise((r) => setTimeout(r, 500))
  }
  throw new Error('the platform did not start')
}

async function main() {
  await rm(path.join(root, '.next/cache/academy-mdx'), { recursive: true, force: true })
  await rm(path.join(root, '.data/bench'), { recursive: true, force: true })
  const platform = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: root,
    detached: true,
    stdio: 'ignore',
    env: {
      ...process.env,
      DATA_DIR: '.data/bench',
      PORT: String(port),
      EMBEDDED_PG_PORT: '54391',
      SEED_DEMO_ACCOUNTS: 'no',
      // Page timings must not include 19 videos rendering beside them.
      GENERATE_VIDEOS: 'no',
    },
  })
  try {
    await waitHealthy()
    const course = await loadCourse('production-operations')
    const lessons = course.lessons.slice(0, 7)
    // Warm Next.js itself on a page without MDX, so "cold" measures the lesson, not the server.
    await timed(`${base}/courses`)
    const cold: number[] = []
    const warm: number[] = []
    let html = ''
    for (const lesson of lessons) {
      const url = `${base}/courses/${course.slug}/${lesson.slug}`
      const first = await timed(url)
      cold.push(first.ms)
      html = first.html
      for (let i = 0; i < WARM_RUNS; i++) warm.push((await timed(url)).ms)
    }
    const scripts = [...html.matchAll(/<script[^>]+src="([^"]+)"/g)].map((m) => m[1]!)
    let raw = 0
    let gzip = 0
    for (const src of new Set(scripts)) {
      const body = Buffer.from(await (await fetch(new URL(src, base))).arrayBuffer())
      raw += body.length
      gzip += gzipSync(body).length
    }
    const fmt = (ms: number) => `${ms.toFixed(1)} ms`
    console.log(
      `lessons measured: ${lessons.length} (cold = first request after an empty MDX cache; warm = ${WARM_RUNS} repeats each)`,
    )
    console.log(
      `lesson render, cold: median ${fmt(median(cold))} (min ${fmt(Math.min(...cold))}, max ${fmt(Math.max(...cold))})`,
    )
    console.log(
      `lesson render, warm: median ${fmt(median(warm))} (min ${fmt(Math.min(...warm))}, max ${fmt(Math.max(...warm))})`,
    )
    console.log(`cold/warm ratio (medians): ${(median(cold) / median(warm)).toFixed(1)}x`)
    console.log(`lesson page HTML: ${(Buffer.byteLength(html) / 1024).toFixed(1)} KiB`)
    console.log(
      `lesson page JavaScript: ${new Set(scripts).size} files, ${(raw / 1024).toFixed(1)} KiB raw, ${(gzip / 1024).toFixed(1)} KiB gzip`,
    )
  } finally {
    process.kill(-platform.pid!, 'SIGTERM')
  }
}

await main()

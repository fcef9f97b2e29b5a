// The launcher's background video job for real: it reports progress with a prefix and stopping
// the platform ends it together with whatever it had started (Festival, Chromium, ffmpeg).
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { projectRoot } from '../db/migrations'
import { startVideoJob } from './video-job'

let mediaDir: string
afterAll(async () => {
  if (mediaDir) await rm(mediaDir, { recursive: true, force: true })
})

const groupAlive = (pid: number) => {
  try {
    process.kill(-pid, 0)
    return true
  } catch {
    return false
  }
}

it('logs prefixed progress and stops with its whole process group', async () => {
  mediaDir = await mkdtemp(path.join(os.tmpdir(), 'academy-video-job-'))
  const lines: string[] = []
  let seen: () => void
  const rendering = new Promise<void>((resolve) => (seen = resolve))
  const job = startVideoJob({
    cwd: projectRoot,
    env: { ...process.env, MEDIA_DIR: mediaDir },
    log: (line) => {
      lines.push(line)
      if (line.includes('rendering')) seen()
    },
  })
  expect(job.pid).toBeGreaterThan(0)
  await rendering
  expect(job.state()).toBe('running')
  expect(lines).toContain('Videos: [1/19] high-availability-design: rendering…')
  await job.stop()
  expect(job.state()).toBe('stopped')
  expect(groupAlive(job.pid!)).toBe(false)
  // Stopped on purpose: no warning about a failed generation.
  expect(lines.filter((l) => l.includes('Warning'))).toEqual([])
}, 300_000)

// The lesson video player: a recording an operator dropped into the media folder plays with
// our controls, resumes where the learner left off, and counts only what was really played.
// The clip is made here: 30 s of a quiet tone as 8 kHz mono 16-bit PCM WAV (Chromium plays
// WAV in a <video> element), with WebVTT captions and a chapters file.
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { type Page } from '@playwright/test'
import { e2e } from './support/e2e-env'
import { expect, signIn, test } from './support/fixtures'

const slug = 'high-availability-design'
const lessonUrl = `/courses/production-operations/${slug}`
const CLIP_SECONDS = 30

function toneWav(seconds: number, sampleRate = 8000): Buffer {
  const samples = seconds * sampleRate
  const wav = Buffer.alloc(44 + samples * 2)
  wav.write('RIFF', 0)
  wav.writeUInt32LE(36 + samples * 2, 4)
  wav.write('WAVE', 8)
  wav.write('fmt ', 12)
  wav.writeUInt32LE(16, 16) // fmt chunk size
  wav.writeUInt16LE(1, 20) // PCM
  wav.writeUInt16LE(1, 22) // mono
  wav.writeUInt32LE(sampleRate, 24)
  wav.writeUInt32LE(sampleRate * 2, 28) // byte rate
  wav.writeUInt16LE(2, 32) // block align
  wav.writeUInt16LE(16, 34) // bits per sample
  wav.write('data', 36)
  wav.writeUInt32LE(samples * 2, 40)
  for (let i = 0; i < samples; i++) {
    wav.writeInt16LE(Math.round(Math.sin((2 * Math.PI * 440 * i) / sampleRate) * 600), 44 + i * 2)
  }
  return wav
}

const captions = `WEBVTT

00:00.000 --> 00:10.000
Welcome to high availability design.

00:10.000 --> 00:30.000
Redundancy removes single points of failure.
`

const chapters = [
  { start: 0, title: 'Why availability matters' },
  { start: 10, title: 'Redundancy strategies' },
  { start: 20, title: 'Failover mechanisms' },
]

test.beforeAll(async () => {
  // The platform under test reads recordings from <DATA_DIR>/media.
  const media = path.join(e2e.dataDir, 'media')
  await mkdir(media, { recursive: true })
  await writeFile(path.join(media, `${slug}.wav`), toneWav(CLIP_SECONDS))
  await writeFile(path.join(media, `${slug}.vtt`), captions)
  await writeFile(path.join(media, `${slug}.chapters.json`), JSON.stringify(chapters))
})

const video = (page: Page) => page.getByTestId('video-player').locator('video')
const currentTime = (page: Page) => video(page).evaluate((v: HTMLVideoElement) => v.currentTime)

async function watchedPercent(page: Page): Promise<number> {
  const text = (await page.getByTestId('video-watched').textContent()) ?? ''
  const match = /Watched (\d+)%/.exec(text)
  if (!match?.[1]) throw new Error(`no watched percentage in ${JSON.stringify(text)}`)
  return Number(match[1])
}

async function waitForMetadata(page: Page) {
  await expect
    .poll(() => video(page).evaluate((v: HTMLVideoElement) => v.readyState))
    .toBeGreaterThanOrEqual(1)
}

/** Plays until the media clock reaches `until` seconds, then pauses and waits for the save. */
async function playUntil(page: Page, until: number) {
  // The report sent on pause is the one at (or past) `until`; earlier ones may still be landing.
  const saved = page.waitForResponse(
    (r) =>
      r.url().endsWith('/api/progress/video') &&
      (r.request().postDataJSON() as { position: number }).position >= until,
    { timeout: 30_000 },
  )
  // Pause on the first tick at `until`, clicked from inside the page: a click from the test
  // runner lands whenever a busy machine lets it, seconds of playback later.
  const paused = video(page).evaluate(
    (v: HTMLVideoElement, at: number) =>
      new Promise<void>((resolve) => {
        const onTime = () => {
          if (v.currentTime < at) return
          v.removeEventListener('timeupdate', onTime)
          const pause = v.closest('[data-testid=video-player]')?.querySelector('button[aria-label=Pause]')
          if (pause instanceof HTMLButtonElement) pause.click()
          resolve()
        }
        v.addEventListener('timeupdate', onTime)
      }),
    until,
  )
  await page.getByRole('button', { name: 'Play', exact: true }).click()
  await paused
  expect((await saved).status()).toBe(200)
}

test('media needs a signed-in user, supports byte ranges and refuses other paths', async ({
  page,
  request,
  learner,
}) => {
  const signedOut = await request.get(`/media/${slug}.wav`)
  expect(signedOut.status()).toBe(401)

  await signIn(page, learner)
  await expect(page.getByTestId('signed-in-as')).toBeVisible()
  const partial = await page.request.get(`/media/${slug}.wav`, { headers: { Range: 'bytes=0-43' } })
  expect(partial.status()).toBe(206)
  expect(partial.headers()['content-range']).toBe(`bytes 0-43/${44 + CLIP_SECONDS * 8000 * 2}`)
  expect(partial.headers()['accept-ranges']).toBe('bytes')
  expect((await partial.body()).subarray(0, 4).toString()).toBe('RIFF')
  expect(
    (await page.request.get(`/media/${slug}.wav`, { headers: { Range: 'bytes=99999999-' } })).status(),
  ).toBe(416)
  expect((await page.request.get('/media/..%2F..%2Fpackage.json')).status()).toBe(400)
  expect((await page.request.get('/media/auth-secret')).status()).toBe(400)
})

test('the progress endpoint needs a signed-in user and says what was wrong', async ({
  page,
  request,
  learner,
}) => {
  const report = { lessonKey: `production-operations/${slug}`, ranges: [[0, 5]], position: 5, duration: 30 }
  expect((await request.post('/api/progress/video', { data: report })).status()).toBe(401)

  await signIn(page, learner)
  await expect(page.getByTestId('signed-in-as')).toBeVisible()
  const post = (data: unknown) => page.request.post('/api/progress/video', { data })
  const ok = await post(report)
  expect(ok.status()).toBe(200)
  expect(await ok.json()).toEqual({ watchedSeconds: 5, ranges: [[0, 5]] })

  const pastEnd = await post({ ...report, ranges: [[0, 31]] })
  expect(pastEnd.status()).toBe(400)
  expect((await pastEnd.json()).error).toContain('ranges.0 must end within the video')
  const unknown = await post({ ...report, lessonKey: 'production-operations/no-such-lesson' })
  expect(unknown.status()).toBe(404)
  const notJson = await page.request.post('/api/progress/video', {
    headers: { 'Content-Type': 'text/plain' },
    data: JSON.stringify(report),
  })
  expect(notJson.status()).toBe(415)
})

test('plays, resumes where the learner left off, and does not count scrubbing', async ({ page, learner }) => {
  test.setTimeout(120_000)
  await signIn(page, learner)
  await expect(page.getByTestId('signed-in-as')).toBeVisible()
  await page.goto(lessonUrl)
  const player = page.getByTestId('video-player')
  await expect(player).toBeVisible()
  await expect(page.getByTestId('no-recording')).toHaveCount(0)
  await waitForMetadata(page)
  await expect(page.getByTestId('video-time')).toContainText('0:00 / 0:30')
  await expect(page.getByTestId('video-watched')).toHaveText('Watched 0%')

  // Chapters and captions from the operator's files.
  const chapterList = player.getByRole('navigation', { name: 'Chapters' })
  await expect(chapterList.getByRole('button')).toHaveCount(3)
  await expect(chapterList.getByRole('button', { name: /Why availability matters/ })).toHaveAttribute(
    'aria-current',
    'true',
  )
  await player.getByRole('button', { name: 'Captions off' }).click()
  await expect(player.getByRole('button', { name: 'Captions on' })).toHaveAttribute('aria-pressed', 'true')

  // Play at 2× to about 6 s and pause.
  await player.getByLabel('Playback speed').selectOption('2')
  expect(await video(page).evaluate((v: HTMLVideoElement) => v.playbackRate)).toBe(2)
  await playUntil(page, 6)
  await expect(player.getByTestId('video-captions')).toHaveText('Welcome to high availability design.')
  const pausedAt = await currentTime(page)
  const watchedBefore = await watchedPercent(page)
  // Everything from 0 to the pause was played, give or take the last timeupdate tick.
  expect(watchedBefore).toBeGreaterThanOrEqual(Math.floor((pausedAt / CLIP_SECONDS) * 100) - 3)
  expect(watchedBefore).toBeLessThanOrEqual(Math.ceil((pausedAt / CLIP_SECONDS) * 100))

  // Away and back: the player resumes at the same place with the same watched share.
  await page.goto('/dashboard')
  await page.goto(lessonUrl)
  await waitForMetadata(page)
  await expect.poll(() => currentTime(page)).toBeGreaterThan(pausedAt - 1)
  expect(await currentTime(page)).toBeLessThan(pausedAt + 1)
  await expect(page.getByTestId('video-watched')).toHaveText(`Watched ${watchedBefore}%`)

  // Scrub far ahead (keyboard and seek bar), play a little, pause: only that little counts.
  await player.focus()
  await page.keyboard.press('l') // +10 s
  await expect.poll(() => currentTime(page)).toBeGreaterThan(pausedAt + 9)
  await player.getByLabel('Seek').fill('24')
  await expect.poll(() => currentTime(page)).toBeGreaterThanOrEqual(23.5)
  await expect(chapterList.getByRole('button', { name: /Failover mechanisms/ })).toHaveAttribute(
    'aria-current',
    'true',
  )
  // Captions are off again after the reload (a per-visit choice); the cue follows the seek.
  await player.getByRole('button', { name: 'Captions off' }).click()
  await expect(player.getByTestId('video-captions')).toHaveText(
    'Redundancy removes single points of failure.',
  )
  await player.getByLabel('Playback speed').selectOption('2')
  const startedAt = await currentTime(page)
  await playUntil(page, startedAt + 2)
  const played = (await currentTime(page)) - startedAt
  const watchedAfter = await watchedPercent(page)
  // The ~18 s skipped (60% of the clip) are not counted; the ~2 s played are.
  expect(watchedAfter).toBeGreaterThanOrEqual(watchedBefore + Math.floor((played / CLIP_SECONDS) * 100) - 3)
  expect(watchedAfter).toBeLessThanOrEqual(watchedBefore + Math.ceil((played / CLIP_SECONDS) * 100) + 1)

  // The server kept the same union.
  await page.reload()
  await waitForMetadata(page)
  await expect(page.getByTestId('video-watched')).toHaveText(`Watched ${watchedAfter}%`)
})

test('keyboard shortcuts drive the player when it has focus', async ({ page, learner }) => {
  await signIn(page, learner)
  await expect(page.getByTestId('signed-in-as')).toBeVisible()
  await page.goto(lessonUrl)
  const player = page.getByTestId('video-player')
  await waitForMetadata(page)
  await player.focus()

  await page.keyboard.press('ArrowRight')
  await expect.poll(() => currentTime(page)).toBeCloseTo(5, 0)
  await page.keyboard.press('ArrowLeft')
  await expect.poll(() => currentTime(page)).toBeCloseTo(0, 0)
  await page.keyboard.press('>')
  await expect(player.getByLabel('Playback speed')).toHaveValue('1.25')
  await page.keyboard.press('<')
  await page.keyboard.press('<')
  await expect(player.getByLabel('Playback speed')).toHaveValue('0.75')
  await page.keyboard.press('c')
  await expect(player.getByRole('button', { name: 'Captions on' })).toBeVisible()
  await page.keyboard.press('c')
  await expect(player.getByRole('button', { name: 'Captions off' })).toBeVisible()
  await expect(player.getByTestId('video-captions')).toHaveCount(0)

  await page.keyboard.press('k')
  await expect(player.getByRole('button', { name: 'Pause', exact: true })).toBeVisible()
  await page.keyboard.press('Space')
  await expect(player.getByRole('button', { name: 'Play', exact: true })).toBeVisible()
})

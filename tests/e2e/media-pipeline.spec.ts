// Recordings in through the browser: an author uploads a real (ffmpeg-made) video on the course
// media page, the connection drops and the page reloads mid-upload, the upload resumes where it
// stopped, the media worker turns it into HLS, and the lesson plays it through hls.js with the
// author's captions and chapters while progress counts only what was played. A file that is not
// a video and a corrupt video fail with their reasons.
import { mkdtemp, stat, truncate, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { Page, Request } from '@playwright/test'
import { makeTestVideo } from '../../server/media/pipeline/test-video'
import { expect, signIn, test } from './support/fixtures'

// The upload test drops connections on purpose; Chromium logs those as resource errors.
test.use({ provokedNetworkErrors: /net::ERR_CONNECTION_RESET/ })

const course = 'production-operations'
const mediaUrl = `/courses/${course}/media`
// Signing in lands on the dashboard; on a machine busy with other work that can take a while.
const SIGN_IN_MS = 30_000
const CHUNK = 65536 // MEDIA_UPLOAD_CHUNK_BYTES of the platform under test (support/e2e-env.ts)

let files: { clip: string; notes: string; corrupt: string; srt: string }

test.beforeAll(async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'media-e2e-'))
  files = {
    clip: path.join(dir, 'lesson-take-1.mp4'),
    notes: path.join(dir, 'notes.txt'),
    corrupt: path.join(dir, 'broken-take.mp4'),
    srt: path.join(dir, 'captions.srt'),
  }
  await makeTestVideo({ file: files.clip, seconds: 6, width: 640, height: 360 })
  // The chunked upload needs several chunks to interrupt between them.
  expect((await stat(files.clip)).size).toBeGreaterThan(3 * CHUNK)
  await writeFile(files.notes, 'Speaker notes for the recording, not the recording.\n'.repeat(40))
  // Index at the end, then the end cut off: ffprobe cannot open it.
  await makeTestVideo({ file: files.corrupt, seconds: 3, faststart: false })
  await truncate(files.corrupt, Math.floor((await stat(files.corrupt)).size * 0.6))
  await writeFile(
    files.srt,
    '1\n00:00:00,000 --> 00:00:03,000\nHorizontal scaling adds machines.\n\n2\n00:00:03,000 --> 00:00:06,000\nLoad balancers spread the work.\n',
  )
})

const lessonCard = (page: Page, slug: string) => page.getByTestId(`media-lesson-${slug}`)

async function chooseRecording(page: Page, slug: string, file: string) {
  await lessonCard(page, slug)
    .getByLabel(/^Recording file for /)
    .setInputFiles(file)
}

test('an author uploads a recording that survives a dropped connection and a reload, and learners stream it', async ({
  page,
  author,
  learner,
}) => {
  test.setTimeout(240_000)
  const slug = 'horizontal-scaling'
  await signIn(page, author)
  await expect(page.getByTestId('signed-in-as')).toBeVisible({ timeout: SIGN_IN_MS })
  await page.goto(mediaUrl)
  await expect(page.getByTestId(`media-state-${slug}`)).toHaveText('No recording')

  // The first chunk goes through; every later one is dropped, as by a lost connection.
  let patches = 0
  await page.route('**/api/media/uploads/**', (route) => {
    if (route.request().method() !== 'PATCH') return route.continue()
    patches++
    return patches === 1 ? route.continue() : route.abort('connectionreset')
  })
  const firstChunk = page.waitForResponse((r) => r.request().method() === 'PATCH' && r.status() === 204)
  await chooseRecording(page, slug, files.clip)
  expect(Number((await firstChunk).headers()['upload-offset'])).toBe(CHUNK)
  const status = page.getByTestId(`upload-status-${slug}`)
  await expect(status).toContainText(/Connection lost — retrying/)
  await expect(page.getByTestId(`media-state-${slug}`)).toHaveText('Uploading')

  // The author reloads; the network is back. Choosing the same file resumes at the server's offset.
  await page.reload()
  await page.unroute('**/api/media/uploads/**')
  const resumedPatch = page.waitForRequest((r: Request) => r.method() === 'PATCH')
  await chooseRecording(page, slug, files.clip)
  expect(Number((await resumedPatch).headers()['upload-offset'])).toBe(CHUNK)
  await expect(status).toContainText(/Uploaded — processing starts — 100 %/, { timeout: 60_000 })

  // Processing shows live, then the recording is ready with its ladder and length.
  await expect(page.getByTestId(`media-state-${slug}`)).toHaveText(/Processing|Ready/)
  await expect(page.getByTestId(`media-state-${slug}`)).toHaveText('Ready', { timeout: 150_000 })
  await expect(page.getByTestId(`media-duration-${slug}`)).toContainText('0:06 of')
  await expect(lessonCard(page, slug)).toContainText('360p')

  // Captions: SRT converted; a broken edit is refused with its line.
  const card = lessonCard(page, slug)
  await card.locator('summary', { hasText: 'Captions' }).click()
  await card.getByLabel(/^Captions file for /).setInputFiles(files.srt)
  await expect(page.getByTestId(`media-message-${slug}`)).toHaveText('Captions saved: 2 cues.')
  await expect(page.getByTestId(`media-captions-${slug}`)).toHaveText('2 cues')
  const editor = card.getByLabel(/^Captions for /)
  await expect(editor).toHaveValue(/Horizontal scaling adds machines/)
  await editor.fill('WEBVTT\n\n00:00:02.000 --> 00:00:01.000\nBackwards\n')
  await card.getByRole('button', { name: 'Save captions' }).click()
  await expect(page.getByTestId(`media-message-${slug}`)).toContainText('line 3: the cue ends')
  await expect(page.getByTestId(`media-captions-${slug}`)).toHaveText('2 cues')

  // Chapters: proposed from the lesson's headings, then edited.
  await card.locator('summary', { hasText: 'Chapters' }).click()
  await card.getByRole('button', { name: 'Propose from headings' }).click()
  await expect(card.getByLabel(/^Chapters for /)).toHaveValue(/^0:00 \S/)
  await card.getByLabel(/^Chapters for /).fill('0:00 Adding machines\n0:03 Spreading the load')
  await card.getByRole('button', { name: 'Save chapters' }).click()
  await expect(page.getByTestId(`media-message-${slug}`)).toHaveText('Chapters saved: 2.')

  // A learner watches: HLS (the browser's own where it has it — recent Chromium does — else hls.js),
  // captions and chapters.
  await page.context().clearCookies()
  await signIn(page, learner)
  await expect(page.getByTestId('signed-in-as')).toBeVisible({ timeout: SIGN_IN_MS })
  const segment = page.waitForRequest((r) =>
    /\/media\/recordings\/.+\/hls\/\d+p\/segment-\d+\.ts$/.test(r.url()),
  )
  await page.goto(`/courses/${course}/${slug}`)
  const player = page.getByTestId('video-player')
  await expect(player).toHaveAttribute('data-stream', /^(hls\.js|native-hls)$/)
  await expect(page.getByTestId('video-label')).toHaveCount(0)
  await expect(page.getByTestId('video-download')).toHaveAttribute('href', /\/download\.mp4$/)
  const chapters = player.getByRole('navigation', { name: 'Chapters' })
  await expect(chapters.getByRole('button')).toHaveCount(2)
  await player.getByRole('button', { name: 'Captions off' }).click()
  // Every saved report, in order (the server's answer: everything stored so far). The player
  // reports on pause, but also after a seek settles (the browser's own HLS may seek at start).
  // Reading an answer needs the player to have read it too: Chromium finishes a fetch only then.
  const reports: Array<{ watchedSeconds: number; ranges: [number, number][] }> = []
  page.on('response', async (r) => {
    if (r.url().endsWith('/api/progress/video') && r.request().method() === 'POST' && r.ok())
      reports.push((await r.json()) as (typeof reports)[number])
  })
  const video = player.locator('video')
  // The learner pauses a little past 2 s. The click comes from inside the page, on the first
  // tick past 2 s: a pause from the test runner lands whenever the busy machine lets it, and the
  // clip is only 6 s long.
  const pausedPast2s = video.evaluate(
    (v: HTMLVideoElement) =>
      new Promise<number>((resolve) => {
        const onTime = () => {
          if (v.currentTime <= 2) return
          v.removeEventListener('timeupdate', onTime)
          const pause = v.closest('[data-testid=video-player]')?.querySelector('button[aria-label=Pause]')
          if (pause instanceof HTMLButtonElement) pause.click()
          resolve(v.currentTime)
        }
        v.addEventListener('timeupdate', onTime)
      }),
  )
  await player.getByRole('button', { name: 'Play', exact: true }).click()
  await segment
  expect(await pausedPast2s).toBeLessThan(3)
  await expect(player.getByRole('button', { name: 'Play', exact: true })).toBeVisible()
  const pausedAt = await video.evaluate((v: HTMLVideoElement) => v.currentTime)
  expect(pausedAt).toBeLessThan(3)
  await expect(player.getByTestId('video-captions')).toHaveText('Horizontal scaling adds machines.')
  await expect.poll(() => reports.at(-1)?.ranges[0]?.[1] ?? 0, { timeout: 15_000 }).toBeGreaterThan(2)
  const progress = reports.at(-1)!
  // Exactly the stretch that was played, from the start to the pause.
  expect(progress.ranges.length).toBe(1)
  expect(progress.ranges[0]?.[0]).toBeLessThan(0.5)
  expect(progress.ranges[0]?.[1]).toBeGreaterThan(2)
  expect(progress.ranges[0]?.[1]).toBeLessThanOrEqual(pausedAt + 0.3)
  expect(progress.watchedSeconds).toBeLessThanOrEqual(pausedAt + 0.3)

  // Scrubbing previews: hovering the seek bar shows that moment's region of the thumbnail sprite
  // (one thumbnail a second, ten to a row of 160×90) with its time.
  const seekBar = player.getByRole('slider', { name: 'Seek' })
  const preview = player.getByTestId('seek-preview')
  await expect(preview).toHaveCount(0)
  const sprite = page.waitForResponse((r) => r.url().endsWith('/thumbs.jpg'))
  const bar = (await seekBar.boundingBox())!
  await page.mouse.move(bar.x + bar.width * 0.6, bar.y + bar.height / 2)
  await expect(preview).toBeVisible()
  expect((await sprite).status()).toBe(200)
  await expect(preview).toHaveCSS(
    'background-image',
    /\/media\/recordings\/horizontal-scaling\/[0-9a-f-]+\/thumbs\.jpg/,
  )
  await expect(preview).toHaveCSS('background-position', '-480px 0px')
  await expect(preview).toHaveText('0:03')
  await page.mouse.move(bar.x + bar.width * 0.05, bar.y + bar.height / 2)
  await expect(preview).toHaveCSS('background-position', '0px 0px')
  // Leaving the bar hides it; the keyboard seeks as before, without a preview.
  await page.mouse.move(bar.x, bar.y - 200)
  await expect(preview).toHaveCount(0)
  await seekBar.focus()
  await page.keyboard.press('End')
  await expect(seekBar).toHaveAttribute('aria-valuetext', /^0:0[56] of 0:06$/)
  await expect(preview).toHaveCount(0)

  // Learners cannot upload.
  const refused = await page.request.post('/api/media/uploads', {
    headers: { 'Tus-Resumable': '1.0.0', 'Upload-Length': '10' },
  })
  expect(refused.status()).toBe(403)

  // The author removes the recording: the lesson is back to its notes.
  await page.context().clearCookies()
  await signIn(page, author)
  await expect(page.getByTestId('signed-in-as')).toBeVisible({ timeout: SIGN_IN_MS })
  await page.goto(mediaUrl)
  page.once('dialog', (dialog) => void dialog.accept())
  await lessonCard(page, slug).getByRole('button', { name: 'Remove recording' }).click()
  await expect(page.getByTestId(`media-state-${slug}`)).toHaveText('No recording')
  await page.goto(`/courses/${course}/${slug}`)
  await expect(page.getByTestId('no-recording')).toBeVisible()
})

test('a file that is not a video is refused with its reason, and a corrupt video fails its job with a message', async ({
  page,
  author,
}) => {
  test.setTimeout(120_000)
  await signIn(page, author)
  await expect(page.getByTestId('signed-in-as')).toBeVisible({ timeout: SIGN_IN_MS })
  await page.goto(mediaUrl)

  await chooseRecording(page, 'vertical-scaling', files.notes)
  await expect(page.getByTestId('media-state-vertical-scaling')).toHaveText('Failed', { timeout: 60_000 })
  await expect(page.getByTestId('media-error-vertical-scaling')).toContainText(
    'Processing notes.txt failed: Not a video: the file is plain text.',
  )

  await chooseRecording(page, 'database-scaling', files.corrupt)
  await expect(page.getByTestId('media-state-database-scaling')).toHaveText('Failed', { timeout: 60_000 })
  const error = page.getByTestId('media-error-database-scaling')
  await expect(error).toContainText(
    /broken-take\.mp4 failed: Not a video file ffmpeg can read \(.*moov atom not found.*\)/,
  )
  await expect(error).toContainText('damaged or incomplete')

  // Retry runs the job again from the kept upload (and, the file being corrupt, fails the same way).
  await error.getByRole('button', { name: 'Retry processing' }).click()
  await expect(page.getByTestId('media-state-database-scaling')).toHaveText(/Processing|Failed/)
  await expect(page.getByTestId('media-state-database-scaling')).toHaveText('Failed', { timeout: 60_000 })
  await expect(page.getByTestId('media-error-database-scaling')).toContainText('moov atom not found')
})

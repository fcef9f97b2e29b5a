import { randomUUID } from 'node:crypto'
import { copyFile, mkdir, mkdtemp, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Pool } from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { localDiskStorage } from '../storage'
import { createBoss, ensureQueue, PROCESS_QUEUE, type ProcessJob } from './jobs'
import { recordingPrefix } from './process-recording'
import { runProcessJob, uploadFile } from './run-job'
import { makeTestVideo } from './test-video'

let pool: Pool
let mediaDir: string
let clip: string
const userId = `user-${randomUUID()}`

beforeAll(async () => {
  pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 2 })
  await pool.query(
    `INSERT INTO users (id, name, email, role, "createdAt", "updatedAt") VALUES ($1, 'Author', $2, 'author', now(), now())`,
    [userId, `${userId}@example.test`],
  )
  mediaDir = await mkdtemp(path.join(tmpdir(), 'media-job-'))
  clip = path.join(mediaDir, 'clip.mp4')
  await makeTestVideo({ file: clip, seconds: 2, width: 320, height: 240 })
})

afterAll(async () => {
  await pool.end()
})

async function uploaded(lessonSlug: string, content: string | { copyOf: string }, state = 'processing') {
  const id = randomUUID()
  const uploadId = randomUUID().replace(/-/g, '')
  await mkdir(path.join(mediaDir, 'uploads'), { recursive: true })
  if (typeof content === 'string') await writeFile(uploadFile(mediaDir, uploadId), content)
  else await copyFile(content.copyOf, uploadFile(mediaDir, uploadId))
  await writeFile(`${uploadFile(mediaDir, uploadId)}.json`, '{}')
  await pool.query(
    `INSERT INTO lesson_recordings (id, "courseSlug", "lessonSlug", "uploadId", "fileName", "sizeBytes", state,
     renditions, "uploadedById", "updatedAt", "readyAt")
     VALUES ($1, 'production-operations', $2, $3, 'take.mp4', 1, $4::"RecordingState", '{}', $5, now(), CASE WHEN $4::text = 'ready' THEN now() END)`,
    [id, lessonSlug, uploadId, state, userId],
  )
  return { id, uploadId }
}

const row = async (id: string) =>
  (
    await pool.query(
      'SELECT state, error, progress, "durationS", renditions FROM lesson_recordings WHERE id = $1',
      [id],
    )
  ).rows[0]

const exists = (file: string) =>
  stat(file).then(
    () => true,
    () => false,
  )

describe('a processing job', () => {
  it('makes the recording ready, replaces the older ready version and drops the upload', async () => {
    const storage = localDiskStorage(mediaDir)
    const older = await uploaded('lesson-job', 'old', 'ready')
    await storage.writeText(`${recordingPrefix('lesson-job', older.id)}/hls/master.m3u8`, '#EXTM3U\n')
    const fresh = await uploaded('lesson-job', { copyOf: clip })

    expect(await runProcessJob({ pool, storage, mediaDir, recordingId: fresh.id })).toBe('ready')
    expect(await row(fresh.id)).toMatchObject({
      state: 'ready',
      error: null,
      progress: 100,
      renditions: [240],
    })
    expect((await row(fresh.id)).durationS).toBeGreaterThan(1.5)
    expect(await storage.stat(`${recordingPrefix('lesson-job', fresh.id)}/hls/master.m3u8`)).not.toBeNull()
    // The version that played until now is gone, row and files; so is the source upload.
    expect(await row(older.id)).toBeUndefined()
    expect(await storage.list(recordingPrefix('lesson-job', older.id))).toEqual([])
    expect(await exists(uploadFile(mediaDir, fresh.uploadId))).toBe(false)
  }, 120_000)

  it('records why it failed, keeps the upload for a retry, and leaves the ready version playing', async () => {
    const storage = localDiskStorage(mediaDir)
    const playing = await uploaded('lesson-fail', 'old', 'ready')
    const bad = await uploaded('lesson-fail', 'not a video at all\n'.repeat(20))
    expect(await runProcessJob({ pool, storage, mediaDir, recordingId: bad.id })).toBe('failed')
    expect(await row(bad.id)).toMatchObject({ state: 'failed', error: expect.stringMatching(/^Not a video/) })
    expect(await exists(uploadFile(mediaDir, bad.uploadId))).toBe(true)
    expect(await row(playing.id)).toMatchObject({ state: 'ready' })
  }, 60_000)

  it('does nothing for a recording removed while it waited', async () => {
    expect(
      await runProcessJob({ pool, storage: localDiskStorage(mediaDir), mediaDir, recordingId: randomUUID() }),
    ).toBe('gone')
  })

  it('travels through the pg-boss queue in PostgreSQL', async () => {
    const boss = createBoss(process.env.DATABASE_URL ?? '', 'worker')
    await boss.start()
    try {
      await ensureQueue(boss)
      await ensureQueue(boss) // idempotent: the web app and the worker both call it
      const recordingId = randomUUID()
      const id = await boss.send(PROCESS_QUEUE, { recordingId } satisfies ProcessJob)
      const [job] = await boss.fetch<ProcessJob>(PROCESS_QUEUE)
      expect(job?.id).toBe(id)
      expect(job?.data).toEqual({ recordingId })
    } finally {
      await boss.stop({ graceful: false })
    }
  })
})

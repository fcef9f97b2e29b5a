// One processing job as the worker runs it: the recording row drives it and records the
// outcome (ready with its ladder, or failed with the reason). No 'server-only': worker code.
import { rm } from 'node:fs/promises'
import path from 'node:path'
import type { Pool } from 'pg'
import type { MediaStorage } from '../storage'
import { processRecording, recordingPrefix } from './process-recording'

interface RecordingRow {
  id: string
  lessonSlug: string
  uploadId: string
  state: string
}

/** Where tus keeps upload `uploadId` (the file store names the file after the id). */
export function uploadFile(mediaDir: string, uploadId: string): string {
  return path.join(mediaDir, 'uploads', uploadId)
}

const PROGRESS_EVERY_MS = 1000

export async function runProcessJob({
  pool,
  storage,
  mediaDir,
  recordingId,
}: {
  pool: Pool
  storage: MediaStorage
  mediaDir: string
  recordingId: string
}): Promise<'ready' | 'failed' | 'gone'> {
  const { rows } = await pool.query<RecordingRow>(
    'SELECT id, "lessonSlug", "uploadId", state FROM lesson_recordings WHERE id = $1',
    [recordingId],
  )
  const recording = rows[0]
  // Removed by the author while it waited: nothing to do.
  if (!recording) return 'gone'
  await pool.query(
    `UPDATE lesson_recordings SET state = 'processing', stage = 'starting', progress = 0, error = NULL,
     "updatedAt" = now() WHERE id = $1`,
    [recordingId],
  )
  let lastWrite = 0
  const outcome = await processRecording({
    source: uploadFile(mediaDir, recording.uploadId),
    lessonSlug: recording.lessonSlug,
    recordingId,
    storage,
    scratchDir: path.join(mediaDir, '.work'),
    onProgress: async ({ stage, percent }) => {
      const now = Date.now()
      if (now - lastWrite < PROGRESS_EVERY_MS && percent < 100) return
      lastWrite = now
      await pool.query(
        'UPDATE lesson_recordings SET stage = $2, progress = $3, "updatedAt" = now() WHERE id = $1',
        [recordingId, stage, percent],
      )
    },
  })
  if (!outcome.ok) {
    await pool.query(
      `UPDATE lesson_recordings SET state = 'failed', stage = NULL, error = $2, "updatedAt" = now() WHERE id = $1`,
      [recordingId, outcome.reason],
    )
    return 'failed'
  }
  // Removed while processing: drop what was just made.
  const { rowCount } = await pool.query(
    `UPDATE lesson_recordings SET state = 'ready', stage = NULL, progress = 100, error = NULL, "durationS" = $2,
     renditions = $3, "readyAt" = now(), "updatedAt" = now() WHERE id = $1`,
    [recordingId, outcome.durationS, outcome.renditions],
  )
  if (!rowCount) {
    await storage.removePrefix(recordingPrefix(recording.lessonSlug, recordingId))
    return 'gone'
  }
  // The new version replaces the one that played until now; the upload itself is no longer needed.
  const { rows: older } = await pool.query<{ id: string; uploadId: string }>(
    `DELETE FROM lesson_recordings WHERE "lessonSlug" = $1 AND id <> $2 AND state = 'ready' RETURNING id, "uploadId"`,
    [recording.lessonSlug, recordingId],
  )
  for (const old of older) await storage.removePrefix(recordingPrefix(recording.lessonSlug, old.id))
  await removeUpload(mediaDir, recording.uploadId)
  return 'ready'
}

export async function removeUpload(mediaDir: string, uploadId: string): Promise<void> {
  const file = uploadFile(mediaDir, uploadId)
  await rm(file, { force: true })
  await rm(`${file}.json`, { force: true })
}

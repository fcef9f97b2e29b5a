// The media worker: runs recording-processing jobs from the pg-boss queue in PostgreSQL, one at
// a time (ffmpeg already uses every core). Started and supervised by the launcher
// (scripts/start.ts, docs/decisions/024 and 034).
import { Pool } from 'pg'
import { ConfigError, mediaWorkerEnvSchema, parseEnv } from '../config/env'
import { createBoss, ensureQueue, PROCESS_QUEUE, type ProcessJob } from '../server/media/pipeline/jobs'
import { runProcessJob } from '../server/media/pipeline/run-job'
import { localDiskStorage } from '../server/media/storage'

async function main() {
  let env
  try {
    env = parseEnv(mediaWorkerEnvSchema, process.env)
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`${error.message}\nFix these variables and start again.`)
      process.exit(1)
    }
    throw error
  }
  const pool = new Pool({ connectionString: env.DATABASE_URL, max: 2 })
  const storage = localDiskStorage(env.MEDIA_DIR)
  const boss = createBoss(env.DATABASE_URL, 'worker')
  boss.on('error', (error) => console.error(`media worker: ${error.message}`))
  await boss.start()
  await ensureQueue(boss)
  // Recordings a crashed worker left half-done go back to the queue, so none stays "processing" forever.
  const { rows: stranded } = await pool.query<{ id: string }>(
    `UPDATE lesson_recordings SET stage = 'waiting to resume', "updatedAt" = now()
     WHERE state = 'processing' RETURNING id`,
  )
  for (const { id } of stranded) await boss.send(PROCESS_QUEUE, { recordingId: id } satisfies ProcessJob)
  await boss.work<ProcessJob>(PROCESS_QUEUE, { pollingIntervalSeconds: 1, batchSize: 1 }, async ([job]) => {
    if (!job) return
    const started = Date.now()
    const result = await runProcessJob({
      pool,
      storage,
      mediaDir: env.MEDIA_DIR,
      recordingId: job.data.recordingId,
    })
    console.log(
      `media worker: recording ${job.data.recordingId} ${result} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    )
  })
  console.log(`Media worker ready (media in ${env.MEDIA_DIR})`)
  const stop = async () => {
    await boss.stop({ graceful: true, timeout: 10_000 }).catch(() => {})
    await pool.end().catch(() => {})
    process.exit(0)
  }
  process.on('SIGTERM', () => void stop())
  process.on('SIGINT', () => void stop())
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})

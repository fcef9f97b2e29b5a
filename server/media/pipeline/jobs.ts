// The processing queue shared by the web app (which sends) and the media worker (which works).
// No 'server-only': the worker imports it.
import { PgBoss } from 'pg-boss'

export const PROCESS_QUEUE = 'media-process'

export interface ProcessJob {
  recordingId: string
}

/** pg-boss keeps its tables in a schema of its own, beside the platform's. */
export const BOSS_SCHEMA = 'pgboss'

export function createBoss(connectionString: string, role: 'sender' | 'worker'): PgBoss {
  return new PgBoss({
    connectionString,
    schema: BOSS_SCHEMA,
    max: role === 'sender' ? 2 : 4,
    // Only the worker maintains and supervises the queue; the web app just sends.
    supervise: role === 'worker',
    schedule: false,
  })
}

/**
 * A failed recording is retried by the author (a new job), not by pg-boss: the job records the
 * reason on the recording and completes. A job whose worker died is expired after six hours.
 */
export const PROCESS_QUEUE_OPTIONS = { retryLimit: 0, expireInSeconds: 6 * 3600 }

export async function ensureQueue(boss: PgBoss): Promise<void> {
  const existing = await boss.getQueue(PROCESS_QUEUE)
  if (!existing) await boss.createQueue(PROCESS_QUEUE, PROCESS_QUEUE_OPTIONS)
}

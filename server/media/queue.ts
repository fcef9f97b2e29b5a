import 'server-only'
import type { PgBoss } from 'pg-boss'
import { webConfig } from '@/server/config'
import { createBoss, ensureQueue, PROCESS_QUEUE, type ProcessJob } from './pipeline/jobs'

// One sender per process, started on first use and kept across dev-mode reloads.
const holder = globalThis as unknown as { academyBoss?: Promise<PgBoss> }

function boss(): Promise<PgBoss> {
  holder.academyBoss ??= (async () => {
    const instance = createBoss(webConfig().DATABASE_URL, 'sender')
    instance.on('error', (error) => console.error(`media queue: ${error.message}`))
    await instance.start()
    await ensureQueue(instance)
    return instance
  })().catch((error: unknown) => {
    holder.academyBoss = undefined
    throw error
  })
  return holder.academyBoss
}

/** Queues processing of an uploaded recording for the media worker. */
export async function enqueueProcessing(recordingId: string): Promise<void> {
  await (await boss()).send(PROCESS_QUEUE, { recordingId } satisfies ProcessJob)
}

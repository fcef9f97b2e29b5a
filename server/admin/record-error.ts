import 'server-only'
// An error of the web app: one JSON log line, and a row in error_log_entries so the admin status
// page shows the errors of every instance (decision 027). Keeps the newest KEEP rows.
import os from 'node:os'
import { db } from '@/server/db'
import { currentRequest, log, redact, type LogFields } from '@/server/log/log'

const KEEP = 200

export const instanceName = (): string => `${os.hostname()}:${process.pid}`

export async function recordError(message: string, detail: LogFields = {}): Promise<void> {
  log.error(message, detail)
  try {
    await db().errorLogEntry.create({
      data: {
        instance: instanceName(),
        requestId: currentRequest()?.requestId ?? null,
        message: message.slice(0, 500),
        detail: JSON.parse(JSON.stringify(redact(detail))) as object,
      },
    })
    await db().$executeRaw`delete from error_log_entries where at < (
      select at from error_log_entries order by at desc offset ${KEEP - 1} limit 1)`
  } catch (error) {
    // The database is down (likely the cause): the log line above is the record.
    log.warn('error not recorded in the database', { error: (error as Error).message })
  }
}

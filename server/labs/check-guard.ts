import 'server-only'
// The guards around a lab check (docs/decisions/023): one check running per learner, held as a
// row in the database so every web process sees it; a per-step rate limit; bounded output.
import { checkLimits } from '@/config/check-limits'
import { recordAuditEvent } from '@/server/audit/record-audit-event'
import { db } from '@/server/db'
import { AppError } from '@/server/errors'

/** One Check press: the client's idempotency key (letters, digits, `-` and `_`, 8–100 long). */
export const REQUEST_KEY = /^[A-Za-z0-9_-]{8,100}$/

export function parseRequestKey(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string' || !REQUEST_KEY.test(value)) {
    throw new AppError(
      'invalid',
      '"requestKey" must be 8–100 letters, digits, "-" or "_" (one new key per Check press).',
    )
  }
  return value
}

export type LockResult =
  { status: 'acquired' } | { status: 'held'; requestKey: string; labSlug: string; stepId: string }

/**
 * Takes the learner's check lock for `requestKey`. Free, or left behind by a process that died
 * (older than `lockSeconds`), it is taken; otherwise the holder is returned.
 */
export async function acquireCheckLock(lock: {
  userId: string
  requestKey: string
  labSlug: string
  stepId: string
}): Promise<LockResult> {
  const now = new Date()
  const data = {
    ...lock,
    startedAt: now,
    expiresAt: new Date(now.getTime() + checkLimits.lockSeconds * 1000),
  }
  const created = await db().checkLock.createMany({ data: [data], skipDuplicates: true })
  if (created.count === 1) return { status: 'acquired' }
  // Conditional on the held lock having expired, so two takers cannot both win.
  const { count } = await db().checkLock.updateMany({
    where: { userId: lock.userId, expiresAt: { lt: now } },
    data,
  })
  if (count === 1) return { status: 'acquired' }
  const held = await db().checkLock.findUnique({
    where: { userId: lock.userId },
    select: { requestKey: true, labSlug: true, stepId: true },
  })
  // Released between the two queries: try once more.
  if (!held) return acquireCheckLock(lock)
  return { status: 'held', ...held }
}

export async function releaseCheckLock({
  userId,
  requestKey,
}: {
  userId: string
  requestKey: string
}): Promise<void> {
  await db().checkLock.deleteMany({ where: { userId, requestKey } })
}

export async function isCheckLockHeld({
  userId,
  requestKey,
}: {
  userId: string
  requestKey: string
}): Promise<boolean> {
  return (await db().checkLock.count({ where: { userId, requestKey, expiresAt: { gte: new Date() } } })) > 0
}

/**
 * Refuses (429, with the seconds to wait) a check beyond `perStep` of one step within
 * `windowSeconds`, and audits the refusal. Runs while holding the learner's check lock, so
 * concurrent requests cannot both slip under the limit.
 */
export async function assertCheckRateLimit({
  userId,
  labSlug,
  stepId,
}: {
  userId: string
  labSlug: string
  stepId: string
}): Promise<void> {
  const now = Date.now()
  const windowMs = checkLimits.windowSeconds * 1000
  const recent = await db().checkRun.findMany({
    where: {
      userId,
      labSlug,
      stepId,
      kind: 'check',
      actorId: userId,
      createdAt: { gte: new Date(now - windowMs) },
    },
    orderBy: { createdAt: 'desc' },
    take: checkLimits.perStep,
    select: { createdAt: true },
  })
  if (recent.length < checkLimits.perStep) return
  const oldest = recent.at(-1)!.createdAt.getTime()
  const retryAfterSeconds = Math.max(1, Math.ceil((oldest + windowMs - now) / 1000))
  await recordAuditEvent({
    actorId: userId,
    action: 'lab.check.refused',
    targetUserId: userId,
    details: { labSlug, stepId, reason: 'rate-limited', retryAfterSeconds },
  })
  throw new AppError(
    'rate-limited',
    `You have checked this step ${checkLimits.perStep} times in the last ${checkLimits.windowSeconds / 60} minutes. ` +
      `Take the time to look at what the last check said; you can check again in ${retryAfterSeconds} s.`,
    retryAfterSeconds,
  )
}

/**
 * Check output as stored: at most `outputBytes`, the head (what the check set out to do) and
 * the tail (where it failed), with a line saying how much was left out.
 */
export function boundOutput(output: string): string {
  const bytes = Buffer.from(output, 'utf8')
  if (bytes.length <= checkLimits.outputBytes) return output
  const marker = (omitted: number) =>
    `\n… ${omitted} bytes of output not kept (Helix Academy keeps ${checkLimits.outputBytes / 1024} KB per check run) …\n`
  const room = checkLimits.outputBytes - checkLimits.headBytes - Buffer.byteLength(marker(bytes.length))
  const head = bytes.subarray(0, checkLimits.headBytes).toString('utf8')
  const tail = bytes.subarray(bytes.length - room).toString('utf8')
  return `${head}${marker(bytes.length - checkLimits.headBytes - room)}${tail}`
}

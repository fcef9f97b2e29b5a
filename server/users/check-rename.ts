import 'server-only'
import { renameLimits } from '@/config/account-limits'
import { recordAuditEvent } from '@/server/audit/record-audit-event'
import { db } from '@/server/db'

export type RenameCheck =
  { status: 'allowed' } | { status: 'refused'; message: string; retryAfterDays: number }

const DAY_MS = 24 * 60 * 60 * 1000

/**
 * Decides whether `userId` may change their name to `newName`, and audits the answer either
 * way. Certificates keep the name they were issued with (certificates.ts), so renames are free
 * until the first certificate; after it, at most `renameLimits.perWindow` in any
 * `renameLimits.windowDays` days, so a name cannot be lent to whoever shows the link next.
 */
export async function checkRename({
  userId,
  newName,
}: {
  userId: string
  newName: string
}): Promise<RenameCheck> {
  const user = await db().user.findUnique({ where: { id: userId }, select: { name: true } })
  if (!user || user.name === newName) return { status: 'allowed' }
  const certificates = await db().certificate.count({ where: { userId } })
  const since = new Date(Date.now() - renameLimits.windowDays * DAY_MS)
  const recent = await db().auditEvent.findMany({
    where: { targetUserId: userId, action: 'account.rename', createdAt: { gte: since } },
    orderBy: { createdAt: 'asc' },
    select: { createdAt: true },
  })
  const details = { from: user.name, to: newName, certificates, renamesInWindow: recent.length }
  if (certificates > 0 && recent.length >= renameLimits.perWindow) {
    const oldest = recent[0]!.createdAt.getTime()
    const retryAfterDays = Math.max(
      1,
      Math.ceil((oldest + renameLimits.windowDays * DAY_MS - Date.now()) / DAY_MS),
    )
    await recordAuditEvent({
      actorId: userId,
      action: 'account.rename.refused',
      targetUserId: userId,
      details,
    })
    return {
      status: 'refused',
      retryAfterDays,
      message:
        `You can change your name at most ${renameLimits.perWindow} times in ${renameLimits.windowDays} days ` +
        `once you hold a certificate. Try again in ${retryAfterDays} day${retryAfterDays === 1 ? '' : 's'}, ` +
        'or ask an admin if your legal name changed. Issued certificates keep the name they were issued with.',
    }
  }
  await recordAuditEvent({ actorId: userId, action: 'account.rename', targetUserId: userId, details })
  return { status: 'allowed' }
}

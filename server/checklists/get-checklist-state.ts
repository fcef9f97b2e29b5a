import 'server-only'
import { db } from '@/server/db'
import { assertPageKey } from './checklist-keys'

/** The item keys ("<checklistId>/<itemId>") the learner has ticked on one page, sorted. */
export async function getChecklistState({
  userId,
  pageKey,
}: {
  userId: string
  pageKey: string
}): Promise<string[]> {
  assertPageKey(pageKey)
  const rows = await db().checklistItemState.findMany({
    where: { userId, pageKey, checked: true },
    select: { itemKey: true },
    orderBy: { itemKey: 'asc' },
  })
  return rows.map((row) => row.itemKey)
}

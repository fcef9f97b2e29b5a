import 'server-only'
import { db } from '@/server/db'
import { assertChecklistId, assertPageKey } from './checklist-keys'

/** Unticks every step of one checklist on a page (the "Reset" button), leaving the others. */
export async function resetChecklist({
  userId,
  pageKey,
  checklistId,
}: {
  userId: string
  pageKey: string
  checklistId: string
}): Promise<void> {
  assertPageKey(pageKey)
  assertChecklistId(checklistId)
  await db().checklistItemState.deleteMany({
    where: { userId, pageKey, itemKey: { startsWith: `${checklistId}/` } },
  })
}

import 'server-only'
import { db } from '@/server/db'
import { assertItemKey, assertPageKey } from './checklist-keys'

/** Ticks or unticks one step for the learner; idempotent. */
export async function setChecklistItem({
  userId,
  pageKey,
  itemKey,
  checked,
}: {
  userId: string
  pageKey: string
  itemKey: string
  checked: boolean
}): Promise<void> {
  assertPageKey(pageKey)
  assertItemKey(itemKey)
  await db().checklistItemState.upsert({
    where: { userId_pageKey_itemKey: { userId, pageKey, itemKey } },
    create: { userId, pageKey, itemKey, checked },
    update: { checked },
    select: { itemKey: true },
  })
}

'use server'

import { getRunbook } from '@/server/content/catalog'
import { AppError } from '@/server/errors'
import { resetChecklist } from '@/server/checklists/reset-checklist'
import { setChecklistItem } from '@/server/checklists/set-checklist-item'
import { getCurrentUser } from '@/server/session/current-user'

export type ChecklistActionResult = { ok: true } | { ok: false; message: string }

/** The learner behind this request, for a page that exists; otherwise a message to show. */
async function learnerFor(pageKey: string): Promise<{ userId: string } | { ok: false; message: string }> {
  const user = await getCurrentUser()
  if (!user) return { ok: false, message: 'You are signed out. Sign in to save your progress.' }
  const slug = pageKey.startsWith('runbooks/') ? pageKey.slice('runbooks/'.length) : ''
  if (!slug || !(await getRunbook(slug))) {
    return { ok: false, message: `There is no runbook "${pageKey}". Reload the page.` }
  }
  return { userId: user.id }
}

async function asResult(work: () => Promise<void>): Promise<ChecklistActionResult> {
  try {
    await work()
    return { ok: true }
  } catch (error) {
    if (error instanceof AppError) return { ok: false, message: error.message }
    throw error
  }
}

export async function setChecklistItemAction(
  pageKey: string,
  itemKey: string,
  checked: boolean,
): Promise<ChecklistActionResult> {
  const learner = await learnerFor(pageKey)
  if (!('userId' in learner)) return learner
  if (typeof checked !== 'boolean') return { ok: false, message: 'A step is either ticked or not.' }
  return asResult(() => setChecklistItem({ userId: learner.userId, pageKey, itemKey, checked }))
}

export async function resetChecklistAction(
  pageKey: string,
  checklistId: string,
): Promise<ChecklistActionResult> {
  const learner = await learnerFor(pageKey)
  if (!('userId' in learner)) return learner
  return asResult(() => resetChecklist({ userId: learner.userId, pageKey, checklistId }))
}

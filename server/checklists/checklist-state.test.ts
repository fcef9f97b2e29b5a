// Round trips through the real test database.
import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { db } from '@/server/db'
import { AppError } from '@/server/errors'
import { getChecklistState } from './get-checklist-state'
import { resetChecklist } from './reset-checklist'
import { setChecklistItem } from './set-checklist-item'

async function newUser(): Promise<string> {
  const id = randomUUID()
  await db().user.create({
    data: { id, name: 'Runbook reader', email: `cl-${id}@example.test` },
    select: { id: true },
  })
  return id
}

const pageKey = 'runbooks/provider-degradation'

describe('checklist state', () => {
  it('round-trips ticks and unticks per learner and page', async () => {
    const [userId, other] = [await newUser(), await newUser()]
    expect(await getChecklistState({ userId, pageKey })).toEqual([])

    await setChecklistItem({ userId, pageKey, itemKey: 'investigation/review-metrics', checked: true })
    await setChecklistItem({ userId, pageKey, itemKey: 'investigation/check-verification', checked: true })
    await setChecklistItem({ userId, pageKey, itemKey: 'recovery/close-out', checked: true })
    // Ticking twice is harmless.
    await setChecklistItem({ userId, pageKey, itemKey: 'recovery/close-out', checked: true })
    await setChecklistItem({ userId: other, pageKey, itemKey: 'recovery/verify-recovered', checked: true })
    await setChecklistItem({
      userId,
      pageKey: 'runbooks/on-call-escalation',
      itemKey: 'handoff/noisy-alerts',
      checked: true,
    })

    expect(await getChecklistState({ userId, pageKey })).toEqual([
      'investigation/check-verification',
      'investigation/review-metrics',
      'recovery/close-out',
    ])

    await setChecklistItem({ userId, pageKey, itemKey: 'investigation/review-metrics', checked: false })
    expect(await getChecklistState({ userId, pageKey })).toEqual([
      'investigation/check-verification',
      'recovery/close-out',
    ])
    expect(await getChecklistState({ userId: other, pageKey })).toEqual(['recovery/verify-recovered'])
  })

  it('resets one checklist and leaves the other checklists of the page alone', async () => {
    const userId = await newUser()
    await setChecklistItem({ userId, pageKey, itemKey: 'investigation/check-logs', checked: true })
    await setChecklistItem({ userId, pageKey, itemKey: 'investigation/decide-branch', checked: true })
    await setChecklistItem({ userId, pageKey, itemKey: 'recovery/close-out', checked: true })
    // A checklist whose id merely starts like another one must survive the reset.
    await setChecklistItem({ userId, pageKey, itemKey: 'investigation-extra/step', checked: true })

    await resetChecklist({ userId, pageKey, checklistId: 'investigation' })
    expect(await getChecklistState({ userId, pageKey })).toEqual([
      'investigation-extra/step',
      'recovery/close-out',
    ])
  })

  it.each([
    ['a page outside runbooks', { pageKey: 'courses/x', itemKey: 'a/b' }],
    ['an item key without a checklist id', { pageKey, itemKey: 'just-an-item' }],
    ['an item key with odd characters', { pageKey, itemKey: 'a/<script>' }],
  ])('refuses %s', async (_label, keys) => {
    const userId = await newUser()
    await expect(setChecklistItem({ userId, ...keys, checked: true })).rejects.toBeInstanceOf(AppError)
    expect(await db().checklistItemState.count({ where: { userId } })).toBe(0)
  })
})

import 'server-only'
import { z } from 'zod'
import { AppError } from '@/server/errors'

// Keys come from the browser, so they are checked for shape (the content's ids are kebab-case)
// and length before they reach the database.
const slug = '[a-z0-9][a-z0-9-]{0,79}'
const pageKeySchema = z.string().regex(new RegExp(`^runbooks/${slug}$`))
const checklistIdSchema = z.string().regex(new RegExp(`^${slug}$`))
const itemKeySchema = z.string().regex(new RegExp(`^${slug}/${slug}$`))

export function assertPageKey(pageKey: string): void {
  if (!pageKeySchema.safeParse(pageKey).success) {
    throw new AppError('invalid', `"${pageKey}" is not a runbook page key (expected runbooks/<slug>).`)
  }
}

export function assertChecklistId(checklistId: string): void {
  if (!checklistIdSchema.safeParse(checklistId).success) {
    throw new AppError('invalid', `"${checklistId}" is not a checklist id (kebab-case expected).`)
  }
}

export function assertItemKey(itemKey: string): void {
  if (!itemKeySchema.safeParse(itemKey).success) {
    throw new AppError(
      'invalid',
      `"${itemKey}" is not a checklist item key (expected <checklistId>/<itemId>).`,
    )
  }
}

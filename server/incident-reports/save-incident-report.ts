import 'server-only'
import { checkIncidentReport } from '@/contracts/incident-report-model'
import { db } from '@/server/db'
import { AppError } from '@/server/errors'
import { incidentReportFieldsSchema } from './incident-report-schema'

export interface SavedIncidentReport {
  id: string
  updatedAt: string
  complete: boolean
  missing: string[]
}

/**
 * Saves a draft (complete or not) for the learner: creates a report when `reportId` is null,
 * otherwise updates that report, which must be the learner's own.
 */
export async function saveIncidentReport({
  userId,
  reportId,
  fields,
}: {
  userId: string
  reportId: string | null
  fields: unknown
}): Promise<SavedIncidentReport> {
  const parsed = incidentReportFieldsSchema.safeParse(fields)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new AppError(
      'invalid',
      `The report was not saved: ${issue?.path.join('.') || 'report'} ${issue?.message ?? 'is invalid'}.`,
    )
  }
  // The zod-inferred type (not the interface) is what Prisma accepts as JSON.
  const data = parsed.data
  const title = data.title.trim() || data.incidentId.trim() || 'Untitled incident report'
  const select = { id: true, updatedAt: true } as const

  let saved: { id: string; updatedAt: Date }
  if (reportId === null) {
    saved = await db().incidentReport.create({ data: { userId, title, fields: data }, select })
  } else {
    const updated = await db().incidentReport.updateMany({
      where: { id: reportId, userId },
      data: { title, fields: data },
    })
    if (updated.count === 0) {
      throw new AppError(
        'not-found',
        'That incident report does not exist or is not yours. Reload the page to start a new one.',
      )
    }
    saved = await db().incidentReport.findUniqueOrThrow({ where: { id: reportId }, select })
  }
  return { id: saved.id, updatedAt: saved.updatedAt.toISOString(), ...checkIncidentReport(data) }
}

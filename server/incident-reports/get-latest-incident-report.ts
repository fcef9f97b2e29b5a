import 'server-only'
import type { IncidentReportFields } from '@/contracts/incident-report-model'
import { db } from '@/server/db'
import { readStoredFields } from './incident-report-schema'

export interface StoredIncidentReport {
  id: string
  fields: IncidentReportFields
  updatedAt: string
}

/** The report the learner edited last, to continue the draft; null if they have none. */
export async function getLatestIncidentReport({
  userId,
}: {
  userId: string
}): Promise<StoredIncidentReport | null> {
  const row = await db().incidentReport.findFirst({
    where: { userId },
    orderBy: { updatedAt: 'desc' },
    select: { id: true, fields: true, updatedAt: true },
  })
  if (!row) return null
  return { id: row.id, fields: readStoredFields(row.fields), updatedAt: row.updatedAt.toISOString() }
}

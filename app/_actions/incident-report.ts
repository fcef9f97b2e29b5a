'use server'

import { AppError } from '@/server/errors'
import {
  getLatestIncidentReport,
  type StoredIncidentReport,
} from '@/server/incident-reports/get-latest-incident-report'
import { saveIncidentReport, type SavedIncidentReport } from '@/server/incident-reports/save-incident-report'
import { getCurrentUser } from '@/server/session/current-user'

export type SaveIncidentReportResult = ({ ok: true } & SavedIncidentReport) | { ok: false; message: string }

/** Saves the learner's draft (complete or not); `reportId` null creates a new report. */
export async function saveIncidentReportAction(
  reportId: string | null,
  fields: unknown,
): Promise<SaveIncidentReportResult> {
  const user = await getCurrentUser()
  if (!user)
    return {
      ok: false,
      message: 'You are signed out. Sign in to save your report; you can still download it.',
    }
  if (reportId !== null && (typeof reportId !== 'string' || reportId.length > 100)) {
    return { ok: false, message: 'The report id is not valid. Reload the page.' }
  }
  try {
    return { ok: true, ...(await saveIncidentReport({ userId: user.id, reportId, fields })) }
  } catch (error) {
    if (error instanceof AppError) return { ok: false, message: error.message }
    throw error
  }
}

export type LoadIncidentReportResult =
  { signedIn: false } | { signedIn: true; report: StoredIncidentReport | null }

/** The learner's latest draft, for a form rendered without the page handing it over. */
export async function loadIncidentReportAction(): Promise<LoadIncidentReportResult> {
  const user = await getCurrentUser()
  if (!user) return { signedIn: false }
  return { signedIn: true, report: await getLatestIncidentReport({ userId: user.id }) }
}

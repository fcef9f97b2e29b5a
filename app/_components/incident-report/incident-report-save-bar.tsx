'use client'
// Save draft and Download as Markdown, with where saving stands and why it failed, if it did.
import type { StoredIncidentReport } from '@/server/incident-reports/get-latest-incident-report'
import type { SaveStatus } from './use-draft-saving'
import styles from './incident-report.module.css'

function timeOfDay(iso: string): string {
  return new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
}

export function IncidentReportSaveBar({
  signedIn,
  status,
  initial,
  onDownload,
}: {
  signedIn: boolean
  status: SaveStatus
  initial: StoredIncidentReport | null
  onDownload: () => void
}) {
  return (
    <>
      <div className={styles.actions}>
        {signedIn && (
          <button type="submit" className="button primary" disabled={status.kind === 'saving'}>
            Save draft
          </button>
        )}
        <button type="button" className="button" onClick={onDownload}>
          Download as Markdown
        </button>
        {signedIn && (
          <span className={styles.status} role="status" data-testid="incident-report-status">
            {status.kind === 'saving' && 'Saving…'}
            {status.kind === 'dirty' && 'Unsaved changes'}
            {status.kind === 'saved' && `Draft saved at ${timeOfDay(status.at)}`}
            {status.kind === 'idle' && initial && `Draft last saved at ${timeOfDay(initial.updatedAt)}`}
          </span>
        )}
      </div>
      {status.kind === 'error' && (
        <p role="alert" className="alert error">
          Not saved: {status.message}
        </p>
      )}
    </>
  )
}

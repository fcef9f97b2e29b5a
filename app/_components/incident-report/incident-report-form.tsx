'use client'

import { useEffect, useState } from 'react'
import { loadIncidentReportAction } from '@/app/_actions/incident-report'
import { IncidentReportEditor } from './incident-report-editor'
import { useIncidentReportState, type IncidentReportState } from './incident-report-state'
import styles from './incident-report.module.css'

/**
 * The incident report form of the course template (`<IncidentReportForm />` in MDX). Drafts are
 * saved to the learner's account (automatically after a pause, and with Save); "Download as
 * Markdown" writes the report in the template's format. Completeness is shown, never required
 * for saving. The saved draft comes from IncidentReportStateProvider when the page has one,
 * otherwise it is fetched once the form mounts.
 */
export function IncidentReportForm() {
  const provided = useIncidentReportState()
  const [loaded, setLoaded] = useState<IncidentReportState | null>(null)
  const [loadError, setLoadError] = useState(false)

  useEffect(() => {
    if (provided) return
    let cancelled = false
    loadIncidentReportAction().then(
      (result) => {
        if (!cancelled)
          setLoaded(
            result.signedIn ? { signedIn: true, initial: result.report } : { signedIn: false, initial: null },
          )
      },
      () => {
        // Still usable for writing and downloading; saving is offered again after a reload.
        if (!cancelled) {
          setLoadError(true)
          setLoaded({ signedIn: false, initial: null })
        }
      },
    )
    return () => {
      cancelled = true
    }
  }, [provided])

  const state = provided ?? loaded
  if (!state) {
    return (
      <p className={styles.loading} role="status">
        Loading your incident report draft…
      </p>
    )
  }
  return (
    <>
      {loadError && (
        <p role="alert" className="alert error">
          Your saved draft could not be loaded, so this form will not save. Reload the page to try again.
        </p>
      )}
      <IncidentReportEditor initial={state.initial} signedIn={state.signedIn && !loadError} />
    </>
  )
}

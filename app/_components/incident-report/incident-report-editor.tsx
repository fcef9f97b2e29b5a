'use client'
// The report form itself: the template's sections, autosave, completeness and the save bar.
import Link from 'next/link'
import { usePathname } from 'next/navigation'
import { useEffect, useId, useState, type ChangeEvent } from 'react'
import {
  checkIncidentReport,
  emptyIncidentReport,
  type ActionItem,
  type IncidentReportFields,
  type TimelineEntry,
} from '@/contracts/incident-report-model'
import { downloadIncidentMarkdown } from './download-incident-markdown'
import { IncidentActionItemsSection } from './incident-action-items-section'
import { IncidentProseSection } from './incident-prose-section'
import { IncidentReportCompleteness } from './incident-report-completeness'
import { IncidentReportSaveBar } from './incident-report-save-bar'
import type { IncidentReportState } from './incident-report-state'
import { IncidentSummarySection } from './incident-summary-section'
import { IncidentTimelineSection } from './incident-timeline-section'
import { useDraftSaving } from './use-draft-saving'
import styles from './incident-report.module.css'

const AUTOSAVE_DELAY_MS = 1500

export function IncidentReportEditor({ initial, signedIn }: IncidentReportState) {
  const pathname = usePathname()
  const formId = useId()
  const [fields, setFields] = useState<IncidentReportFields>(() => initial?.fields ?? emptyIncidentReport())
  const { status, save, edited } = useDraftSaving(initial?.id ?? null, signedIn)
  const check = checkIncidentReport(fields)

  const update = (next: IncidentReportFields) => {
    setFields(next)
    edited(next)
  }

  // Autosave after a pause in typing.
  useEffect(() => {
    if (!signedIn || status.kind !== 'dirty') return
    const timer = setTimeout(() => void save(), AUTOSAVE_DELAY_MS)
    return () => clearTimeout(timer)
  }, [fields, signedIn, status.kind, save])

  // Leaving with unsaved edits asks first.
  const unsaved = signedIn && (status.kind === 'dirty' || status.kind === 'saving' || status.kind === 'error')
  useEffect(() => {
    if (!unsaved) return
    const warn = (event: BeforeUnloadEvent) => event.preventDefault()
    window.addEventListener('beforeunload', warn)
    return () => window.removeEventListener('beforeunload', warn)
  }, [unsaved])

  const text =
    (key: 'incidentId' | 'title' | 'rootCause' | 'resolution' | 'lessonsLearned') =>
    (event: ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) =>
      update({ ...fields, [key]: event.currentTarget.value })

  const setTimeline = (timeline: TimelineEntry[]) => update({ ...fields, timeline })
  const setStatusUpdates = (statusUpdates: TimelineEntry[]) => update({ ...fields, statusUpdates })
  const roles = fields.roles ?? { commander: '', communications: '' }
  const role = (key: 'commander' | 'communications') => (event: ChangeEvent<HTMLInputElement>) =>
    update({ ...fields, roles: { ...roles, [key]: event.currentTarget.value } })
  const setActions = (actionItems: ActionItem[]) => update({ ...fields, actionItems })

  return (
    <form
      className={styles.form}
      aria-label="Incident report"
      noValidate
      onSubmit={(event) => {
        event.preventDefault()
        void save()
      }}
    >
      {!signedIn && (
        <p className="alert info" data-testid="incident-report-signed-out">
          <Link href={`/sign-in?next=${encodeURIComponent(pathname)}`}>Sign in</Link> to save drafts of your
          report. You can still fill it in and download it as Markdown.
        </p>
      )}

      <div className={styles.row2}>
        <label>
          Incident ID
          <input
            value={fields.incidentId}
            onChange={text('incidentId')}
            placeholder="INCIDENT-0042"
            autoComplete="off"
          />
        </label>
        <label>
          Title
          <input
            value={fields.title}
            onChange={text('title')}
            placeholder="Degraded chat completions from provider deepseek"
            autoComplete="off"
          />
        </label>
      </div>

      <IncidentSummarySection formId={formId} fields={fields} onChange={update} />

      <fieldset className={styles.section}>
        <legend>Roles</legend>
        <p className="field-hint">
          Optional: who coordinated and who kept users and stakeholders informed (names or @handles).
        </p>
        <div className={styles.row2}>
          <label>
            Incident Commander
            <input
              value={roles.commander}
              onChange={role('commander')}
              placeholder="@you"
              autoComplete="off"
            />
          </label>
          <label>
            Communications Lead
            <input
              value={roles.communications}
              onChange={role('communications')}
              placeholder="@comms-oncall"
              autoComplete="off"
            />
          </label>
        </div>
      </fieldset>

      <IncidentTimelineSection timeline={fields.timeline} onChange={setTimeline} />

      <IncidentTimelineSection
        legend="Status Updates"
        hint="Optional: what you told users and stakeholders while it ran, with UTC times."
        eventLabel="Update"
        noun="status update"
        timeline={fields.statusUpdates ?? []}
        onChange={setStatusUpdates}
      />

      <IncidentProseSection
        legend="Root Cause"
        label="Root cause"
        value={fields.rootCause}
        onChange={text('rootCause')}
        rows={4}
        placeholder="What caused it, with every contributing factor"
      />

      <IncidentProseSection
        legend="Resolution"
        label="Resolution"
        value={fields.resolution}
        onChange={text('resolution')}
        rows={4}
        placeholder="What was done, in order, including what did not work"
      />

      <IncidentActionItemsSection formId={formId} actionItems={fields.actionItems} onChange={setActions} />

      <IncidentProseSection
        legend="Lessons Learned"
        label="Lessons learned"
        value={fields.lessonsLearned}
        onChange={text('lessonsLearned')}
        rows={3}
        placeholder="What went well, what went badly, where you got lucky"
      />

      <IncidentReportCompleteness check={check} />

      <IncidentReportSaveBar
        signedIn={signedIn}
        status={status}
        initial={initial}
        onDownload={() => downloadIncidentMarkdown(fields)}
      />
    </form>
  )
}

'use client'

import Link from 'next/link'
import { usePathname } from 'next/navigation'
import { useCallback, useEffect, useId, useRef, useState, type ChangeEvent } from 'react'
import { loadIncidentReportAction, saveIncidentReportAction } from '@/app/_actions/incident-report'
import {
  ACTION_STATUSES,
  MISSING,
  SEVERITIES,
  checkIncidentReport,
  emptyActionItem,
  emptyIncidentReport,
  emptyTimelineEntry,
  incidentFileName,
  renderIncidentMarkdown,
  type ActionItem,
  type IncidentReportFields,
  type TimelineEntry,
} from '@/contracts/incident-report-model'
import { useIncidentReportState, type IncidentReportState } from './incident-report-state'
import styles from './incident-report.module.css'

const AUTOSAVE_DELAY_MS = 1500

const SEVERITY_HINT: Record<(typeof SEVERITIES)[number], string> = {
  P1: 'P1 — service unavailable or data at risk',
  P2: 'P2 — over 10% of requests or a key feature affected',
  P3: 'P3 — minor or contained',
  P4: 'P4 — no user impact',
}

type SaveStatus =
  | { kind: 'idle' }
  | { kind: 'dirty' }
  | { kind: 'saving' }
  | { kind: 'saved'; at: string }
  | { kind: 'error'; message: string }

function timeOfDay(iso: string): string {
  return new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
}

/** Saving with one request at a time: the first save creates the report and later ones update it. */
function useDraftSaving(initialId: string | null, enabled: boolean) {
  const reportId = useRef(initialId)
  const latest = useRef<IncidentReportFields | null>(null)
  const running = useRef<Promise<void> | null>(null)
  const again = useRef(false)
  const [status, setStatus] = useState<SaveStatus>({ kind: 'idle' })

  const save = useCallback(async (): Promise<void> => {
    if (!enabled || !latest.current) return
    if (running.current) {
      again.current = true
      return running.current
    }
    const run = (async () => {
      do {
        again.current = false
        const fields = latest.current!
        setStatus({ kind: 'saving' })
        try {
          const result = await saveIncidentReportAction(reportId.current, fields)
          if (!result.ok) {
            setStatus({ kind: 'error', message: result.message })
            return
          }
          reportId.current = result.id
          setStatus(latest.current === fields ? { kind: 'saved', at: result.updatedAt } : { kind: 'dirty' })
        } catch {
          setStatus({
            kind: 'error',
            message: 'Could not reach the server. Your draft is still here; try Save again.',
          })
          return
        }
      } while (again.current)
    })()
    running.current = run
    try {
      await run
    } finally {
      running.current = null
    }
  }, [enabled])

  const edited = useCallback((fields: IncidentReportFields) => {
    latest.current = fields
    setStatus({ kind: 'dirty' })
  }, [])

  return { status, save, edited }
}

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

function IncidentReportEditor({ initial, signedIn }: IncidentReportState) {
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
    (key: 'incidentId' | 'title' | 'duration' | 'impact' | 'rootCause' | 'resolution' | 'lessonsLearned') =>
    (event: ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) =>
      update({ ...fields, [key]: event.currentTarget.value })

  const setTimeline = (timeline: TimelineEntry[]) => update({ ...fields, timeline })
  const setActions = (actionItems: ActionItem[]) => update({ ...fields, actionItems })

  const download = () => {
    const blob = new Blob([renderIncidentMarkdown(fields)], { type: 'text/markdown;charset=utf-8' })
    const url = URL.createObjectURL(blob)
    const link = document.createElement('a')
    link.href = url
    link.download = incidentFileName(fields.incidentId)
    document.body.append(link)
    link.click()
    link.remove()
    // Revoke after the click has been handled, or some browsers cancel the download.
    setTimeout(() => URL.revokeObjectURL(url), 1000)
  }

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

      <fieldset className={styles.section}>
        <legend>Summary</legend>
        <div className={styles.row2}>
          <div className={styles.field}>
            {/* Labelled by id, not by wrapping: a wrapping label would read out every option. */}
            <label htmlFor={`${formId}-severity`}>Severity</label>
            <select
              id={`${formId}-severity`}
              value={fields.severity}
              onChange={(event) =>
                update({ ...fields, severity: event.currentTarget.value as IncidentReportFields['severity'] })
              }
            >
              <option value="">Choose a severity</option>
              {SEVERITIES.map((s) => (
                <option key={s} value={s}>
                  {SEVERITY_HINT[s]}
                </option>
              ))}
            </select>
          </div>
          <label>
            Duration
            <input
              value={fields.duration}
              onChange={text('duration')}
              placeholder="2026-03-14 14:02 - 14:47 UTC"
              autoComplete="off"
            />
          </label>
        </div>
        <label>
          Impact
          <textarea
            value={fields.impact}
            onChange={text('impact')}
            rows={2}
            placeholder="User impact, in numbers"
          />
        </label>
      </fieldset>

      <fieldset className={styles.section}>
        <legend>Timeline</legend>
        <p className="field-hint">Facts with UTC times, from the first signal to resolution.</p>
        <ol className={styles.rows}>
          {fields.timeline.map((entry, index) => (
            <li key={index} className={styles.timelineRow}>
              <label>
                Time (UTC)
                <input
                  value={entry.time}
                  placeholder="HH:MM"
                  autoComplete="off"
                  onChange={(event) =>
                    setTimeline(
                      fields.timeline.map((e, i) =>
                        i === index ? { ...e, time: event.currentTarget.value } : e,
                      ),
                    )
                  }
                />
              </label>
              <label>
                Event
                <input
                  value={entry.event}
                  autoComplete="off"
                  onChange={(event) =>
                    setTimeline(
                      fields.timeline.map((e, i) =>
                        i === index ? { ...e, event: event.currentTarget.value } : e,
                      ),
                    )
                  }
                />
              </label>
              <button
                type="button"
                className="button small"
                aria-label={`Remove timeline entry ${index + 1}`}
                onClick={() => setTimeline(fields.timeline.filter((_, i) => i !== index))}
              >
                Remove
              </button>
            </li>
          ))}
        </ol>
        <button
          type="button"
          className="button small"
          onClick={() => setTimeline([...fields.timeline, emptyTimelineEntry()])}
        >
          Add timeline entry
        </button>
      </fieldset>

      <fieldset className={styles.section}>
        <legend>Root Cause</legend>
        <label>
          <span className={styles.srOnly}>Root cause</span>
          <textarea
            value={fields.rootCause}
            onChange={text('rootCause')}
            rows={4}
            placeholder="What caused it, with every contributing factor"
          />
        </label>
      </fieldset>

      <fieldset className={styles.section}>
        <legend>Resolution</legend>
        <label>
          <span className={styles.srOnly}>Resolution</span>
          <textarea
            value={fields.resolution}
            onChange={text('resolution')}
            rows={4}
            placeholder="What was done, in order, including what did not work"
          />
        </label>
      </fieldset>

      <fieldset className={styles.section}>
        <legend>Action Items</legend>
        <ol className={styles.rows}>
          {fields.actionItems.map((item, index) => {
            const set = (patch: Partial<ActionItem>) =>
              setActions(fields.actionItems.map((a, i) => (i === index ? { ...a, ...patch } : a)))
            return (
              <li key={index} className={styles.actionRow}>
                <label>
                  Action
                  <input
                    value={item.action}
                    autoComplete="off"
                    onChange={(event) => set({ action: event.currentTarget.value })}
                  />
                </label>
                <label>
                  Owner
                  <input
                    value={item.owner}
                    placeholder="@sre"
                    autoComplete="off"
                    onChange={(event) => set({ owner: event.currentTarget.value })}
                  />
                </label>
                <label>
                  Due date
                  <input
                    type="date"
                    value={item.dueDate}
                    onChange={(event) => set({ dueDate: event.currentTarget.value })}
                  />
                </label>
                <div className={styles.field}>
                  <label htmlFor={`${formId}-action-${index}-status`}>Status</label>
                  <select
                    id={`${formId}-action-${index}-status`}
                    value={item.status}
                    onChange={(event) => set({ status: event.currentTarget.value as ActionItem['status'] })}
                  >
                    {ACTION_STATUSES.map((s) => (
                      <option key={s}>{s}</option>
                    ))}
                  </select>
                </div>
                <button
                  type="button"
                  className="button small"
                  aria-label={`Remove action item ${index + 1}`}
                  onClick={() => setActions(fields.actionItems.filter((_, i) => i !== index))}
                >
                  Remove
                </button>
              </li>
            )
          })}
        </ol>
        <button
          type="button"
          className="button small"
          onClick={() => setActions([...fields.actionItems, emptyActionItem()])}
        >
          Add action item
        </button>
      </fieldset>

      <fieldset className={styles.section}>
        <legend>Lessons Learned</legend>
        <label>
          <span className={styles.srOnly}>Lessons learned</span>
          <textarea
            value={fields.lessonsLearned}
            onChange={text('lessonsLearned')}
            rows={3}
            placeholder="What went well, what went badly, where you got lucky"
          />
        </label>
      </fieldset>

      <section
        className={styles.completeness}
        aria-labelledby="incident-report-completeness"
        data-testid="incident-report-completeness"
      >
        <h3 id="incident-report-completeness">
          {check.complete ? 'Ready for review' : 'Still missing for a complete report'}
        </h3>
        <ul>
          {Object.values(MISSING).map((requirement) => {
            const missing = check.missing.includes(requirement)
            return (
              <li key={requirement} className={missing ? styles.todo : styles.met}>
                <span aria-hidden="true">{missing ? '○' : '✓'}</span> {requirement}
                <span className={styles.srOnly}>{missing ? ' (missing)' : ' (done)'}</span>
              </li>
            )
          })}
        </ul>
      </section>

      <div className={styles.actions}>
        {signedIn && (
          <button type="submit" className="button primary" disabled={status.kind === 'saving'}>
            Save draft
          </button>
        )}
        <button type="button" className="button" onClick={download}>
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
    </form>
  )
}

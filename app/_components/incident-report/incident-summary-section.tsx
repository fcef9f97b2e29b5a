'use client'
// The Summary fieldset: severity, duration and impact.
import type { ChangeEvent } from 'react'
import { SEVERITIES, type IncidentReportFields } from '@/contracts/incident-report-model'
import styles from './incident-report.module.css'

const SEVERITY_HINT: Record<(typeof SEVERITIES)[number], string> = {
  P1: 'P1 — service unavailable or data at risk',
  P2: 'P2 — over 10% of requests or a key feature affected',
  P3: 'P3 — minor or contained',
  P4: 'P4 — no user impact',
}

export function IncidentSummarySection({
  formId,
  fields,
  onChange,
}: {
  formId: string
  fields: IncidentReportFields
  onChange: (next: IncidentReportFields) => void
}) {
  const text = (key: 'duration' | 'impact') => (event: ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) =>
    onChange({ ...fields, [key]: event.currentTarget.value })

  return (
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
              onChange({ ...fields, severity: event.currentTarget.value as IncidentReportFields['severity'] })
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
  )
}

'use client'
// A fieldset holding one free-text answer (Root Cause, Resolution, Lessons Learned).
import type { ChangeEvent } from 'react'
import styles from './incident-report.module.css'

export function IncidentProseSection({
  legend,
  label,
  value,
  rows,
  placeholder,
  onChange,
}: {
  legend: string
  /** For screen readers; the legend is what is seen. */
  label: string
  value: string
  rows: number
  placeholder: string
  onChange: (event: ChangeEvent<HTMLTextAreaElement>) => void
}) {
  return (
    <fieldset className={styles.section}>
      <legend>{legend}</legend>
      <label>
        <span className={styles.srOnly}>{label}</span>
        <textarea value={value} onChange={onChange} rows={rows} placeholder={placeholder} />
      </label>
    </fieldset>
  )
}

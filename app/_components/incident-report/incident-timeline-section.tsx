'use client'
// The Timeline fieldset: one row per entry, added and removed by the learner. Also used for
// Status Updates (same rows: a UTC time and a text), with its own labels.
import { emptyTimelineEntry, type TimelineEntry } from '@/contracts/incident-report-model'
import styles from './incident-report.module.css'

export function IncidentTimelineSection({
  timeline,
  onChange,
  legend = 'Timeline',
  hint = 'Facts with UTC times, from the first signal to resolution.',
  eventLabel = 'Event',
  noun = 'timeline entry',
}: {
  timeline: TimelineEntry[]
  onChange: (timeline: TimelineEntry[]) => void
  legend?: string
  hint?: string
  eventLabel?: string
  noun?: string
}) {
  return (
    <fieldset className={styles.section}>
      <legend>{legend}</legend>
      <p className="field-hint">{hint}</p>
      <ol className={styles.rows}>
        {timeline.map((entry, index) => (
          <li key={index} className={styles.timelineRow}>
            <label>
              Time (UTC)
              <input
                value={entry.time}
                placeholder="HH:MM"
                autoComplete="off"
                onChange={(event) =>
                  onChange(
                    timeline.map((e, i) => (i === index ? { ...e, time: event.currentTarget.value } : e)),
                  )
                }
              />
            </label>
            <label>
              {eventLabel}
              <input
                value={entry.event}
                autoComplete="off"
                onChange={(event) =>
                  onChange(
                    timeline.map((e, i) => (i === index ? { ...e, event: event.currentTarget.value } : e)),
                  )
                }
              />
            </label>
            <button
              type="button"
              className="button small"
              aria-label={`Remove ${noun} ${index + 1}`}
              onClick={() => onChange(timeline.filter((_, i) => i !== index))}
            >
              Remove
            </button>
          </li>
        ))}
      </ol>
      <button
        type="button"
        className="button small"
        onClick={() => onChange([...timeline, emptyTimelineEntry()])}
      >
        Add {noun}
      </button>
    </fieldset>
  )
}

'use client'
// The Timeline fieldset: one row per entry, added and removed by the learner.
import { emptyTimelineEntry, type TimelineEntry } from '@/contracts/incident-report-model'
import styles from './incident-report.module.css'

export function IncidentTimelineSection({
  timeline,
  onChange,
}: {
  timeline: TimelineEntry[]
  onChange: (timeline: TimelineEntry[]) => void
}) {
  return (
    <fieldset className={styles.section}>
      <legend>Timeline</legend>
      <p className="field-hint">Facts with UTC times, from the first signal to resolution.</p>
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
              Event
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
              aria-label={`Remove timeline entry ${index + 1}`}
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
        Add timeline entry
      </button>
    </fieldset>
  )
}

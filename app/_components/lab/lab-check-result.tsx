'use client'
// What the last check of a step said: passed or not, and its FAIL and HINT lines.
import type { CheckOutcome } from './lab-api'
import styles from './lab.module.css'

export function LabCheckResult({ result, points }: { result: CheckOutcome; points: number }) {
  const verdict = result.passed
    ? result.firstPass
      ? `Passed! +${points} points`
      : 'Passed'
    : result.timedOut
      ? 'The check timed out'
      : 'Not yet'
  return (
    <div
      className={styles.result}
      data-passed={result.passed ? 'true' : 'false'}
      role="status"
      aria-live="polite"
    >
      <strong>{verdict}</strong>
      {result.fail.length > 0 && (
        <ul>
          {result.fail.map((line, i) => (
            <li key={`f${i}`}>
              <span className={styles.tagFail}>FAIL</span> {line}
            </li>
          ))}
        </ul>
      )}
      {result.hint.length > 0 && (
        <ul>
          {result.hint.map((line, i) => (
            <li key={`h${i}`}>
              <span className={styles.tagHint}>HINT</span> {line}
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}

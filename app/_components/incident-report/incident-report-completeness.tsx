'use client'
// What a complete report still needs; shown, never required for saving.
import { MISSING, type checkIncidentReport } from '@/contracts/incident-report-model'
import styles from './incident-report.module.css'

export function IncidentReportCompleteness({ check }: { check: ReturnType<typeof checkIncidentReport> }) {
  return (
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
  )
}

'use client'
// The lab's steps as a list of buttons: mark (passed or number), title, points earned.
import type { StepProgress } from '@/server/labs/step-progress'
import type { WorkspaceLab } from './lab-workspace'
import styles from './lab.module.css'

export function LabStepList({
  steps,
  progress,
  currentStepId,
  onSelect,
}: {
  steps: WorkspaceLab['steps']
  progress: StepProgress[]
  currentStepId: string | undefined
  onSelect: (stepId: string) => void
}) {
  return (
    <ol className={styles.stepList}>
      {steps.map((s, i) => {
        const p = progress.find((x) => x.id === s.id)
        return (
          <li key={s.id}>
            <button
              type="button"
              className={styles.stepButton}
              aria-current={s.id === currentStepId ? 'step' : undefined}
              onClick={() => onSelect(s.id)}
            >
              <span
                className={styles.stepMark}
                data-passed={p?.passed ? 'true' : 'false'}
                aria-label={p?.passed ? 'passed' : 'not passed'}
              >
                {p?.passed ? '✓' : i + 1}
              </span>
              <span className={styles.stepTitle}>{s.title}</span>
              <span className={styles.stepPoints}>
                {p?.pointsEarned ?? 0}/{s.points} pts
              </span>
            </button>
          </li>
        )
      })}
    </ol>
  )
}

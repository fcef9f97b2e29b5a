import type { Metadata } from 'next'
import Link from 'next/link'
import { loadCohortProgress } from '@/server/grading/load-cohort-progress'
import { requireRole } from '@/server/session/current-user'
import { overrideGradeAction, setPolicyAction } from '../../../actions'
import { ActionForm } from '../../../_components/action-form'
import { orPageError } from '../../../_lib/app-errors'
import styles from '../../../instructor.module.css'

export const metadata: Metadata = { title: 'Gradebook' }

const pct = (n: number | null) => (n === null ? '–' : `${n}%`)

export default async function GradebookPage({ params }: { params: Promise<{ cohortId: string }> }) {
  const { cohortId } = await params
  const actor = await requireRole(`/instructor/cohorts/${cohortId}/gradebook`, ['instructor', 'admin'])
  const progress = await orPageError(loadCohortProgress({ actor, cohortId }))
  const { policy, cohort } = progress
  return (
    <>
      <section aria-labelledby="grades-heading">
        <h2 id="grades-heading">Final grades</h2>
        <p>
          <a
            className="button"
            href={`/instructor/cohorts/${cohortId}/gradebook.csv`}
            download
            data-testid="csv-link"
          >
            Download CSV
          </a>{' '}
          <span className="muted">
            Opens in Excel, LibreOffice and Google Sheets. Automated pipelines:{' '}
            <Link href="/instructor/tokens">JSON grading API</Link>.
          </span>
        </p>
        <table className="data" data-testid="gradebook">
          <thead>
            <tr>
              <th scope="col">Learner</th>
              <th scope="col">Done</th>
              <th scope="col">Lessons ({policy.lessonWeight}%)</th>
              <th scope="col">Quizzes ({policy.quizWeight}%)</th>
              <th scope="col">Labs ({policy.labWeight}%)</th>
              <th scope="col">Final</th>
            </tr>
          </thead>
          <tbody>
            {progress.learners.map((l) => (
              <tr key={l.userId}>
                <td>
                  <Link href={`/instructor/cohorts/${cohortId}/learners/${l.userId}`}>{l.name}</Link>
                </td>
                <td>{l.completion}%</td>
                <td>{pct(l.categories.lessons)}</td>
                <td>{pct(l.categories.quizzes)}</td>
                <td>{pct(l.categories.labs)}</td>
                <td>
                  <strong>{l.final}%</strong>
                  {l.finalOverridden && <span className="pill"> hand-graded</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {progress.learners.length === 0 && <p className="muted">No learners yet.</p>}
      </section>

      <section className={`card ${styles.section}`} aria-labelledby="policy-heading">
        <h2 id="policy-heading">Grading policy for this cohort</h2>
        <p className="muted">
          Applies to this cohort only; only its instructors can change it. Weights add up to 100. With partial
          credit, a quiz counts its best score and a lab counts the points of the steps passed; without it, a
          quiz counts only when passed and a lab only when every step passed. A category with no items yet
          gives its weight to the others.
        </p>
        <ActionForm action={setPolicyAction} submitLabel="Save policy" className={styles.inlineForm}>
          <input type="hidden" name="cohortId" value={cohortId} />
          <label>
            Lessons %
            <input
              name="lessonWeight"
              type="number"
              min={0}
              max={100}
              defaultValue={policy.lessonWeight}
              required
            />
          </label>
          <label>
            Quizzes %
            <input
              name="quizWeight"
              type="number"
              min={0}
              max={100}
              defaultValue={policy.quizWeight}
              required
            />
          </label>
          <label>
            Labs %
            <input
              name="labWeight"
              type="number"
              min={0}
              max={100}
              defaultValue={policy.labWeight}
              required
            />
          </label>
          <label style={{ flexDirection: 'row', alignItems: 'center' }}>
            <input name="partialCredit" type="checkbox" defaultChecked={policy.partialCredit} /> Partial
            credit
          </label>
        </ActionForm>
      </section>

      {progress.learners.length > 0 && (
        <section className={`card ${styles.section}`} aria-labelledby="override-heading">
          <h2 id="override-heading">Override a grade</h2>
          <p className="muted">
            Every override is kept with who, when and why, and appears in the audit log.
          </p>
          <ActionForm action={overrideGradeAction} submitLabel="Save grade" className={styles.inlineForm}>
            <input type="hidden" name="courseSlug" value={cohort.courseSlug} />
            <label>
              Learner
              <select name="userId" required>
                {progress.learners.map((l) => (
                  <option key={l.userId} value={l.userId}>
                    {l.name}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Item
              <select name="itemKey" required>
                <option value="final">Final grade</option>
                {progress.items
                  .filter((i) => i.kind !== 'lesson')
                  .map((i) => (
                    <option key={i.key} value={i.key}>
                      {i.title}
                    </option>
                  ))}
              </select>
            </label>
            <label>
              Grade %
              <input name="percent" type="number" min={0} max={100} required />
            </label>
            <label>
              Reason
              <input name="reason" required minLength={3} maxLength={500} />
            </label>
          </ActionForm>
        </section>
      )}
    </>
  )
}

import type { Metadata } from 'next'
import { requireCohortInstructor } from '@/server/cohorts/cohort-access'
import { getCourse } from '@/server/content/catalog'
import { getCohortQuizPolicy } from '@/server/quizzes/set-cohort-quiz-policy'
import { requireRole } from '@/server/session/current-user'
import { ActionForm } from '../../../_components/action-form'
import { orPageError } from '../../../_lib/app-errors'
import styles from '../../../instructor.module.css'
import { setCohortQuizPolicyAction } from '../../../quiz-policy-actions'

export const metadata: Metadata = { title: 'Quiz policy' }

export default async function CohortQuizPolicyPage({ params }: { params: Promise<{ cohortId: string }> }) {
  const { cohortId } = await params
  const actor = await requireRole(`/instructor/cohorts/${cohortId}/quizzes`, ['instructor', 'admin'])
  const cohort = await orPageError(requireCohortInstructor({ actor, cohortId }))
  const [override, course] = await Promise.all([
    orPageError(getCohortQuizPolicy({ actor, cohortId })),
    getCourse(cohort.courseSlug),
  ])
  const base = course?.quizPolicy ?? { maxAttempts: 3, cooldownMinutes: 60 }
  const current = override ?? base
  return (
    <section className={`card ${styles.section}`} aria-labelledby="quiz-policy-heading">
      <h2 id="quiz-policy-heading">Quiz attempt policy for this cohort</h2>
      <p className="muted" data-testid="quiz-policy-current">
        {override
          ? `This cohort's own policy: ${override.maxAttempts} attempts, ${override.cooldownMinutes} minutes' wait after each failed attempt from the second on.`
          : `The course default applies: ${base.maxAttempts} attempts, ${base.cooldownMinutes} minutes' wait after each failed attempt from the second on.`}{' '}
        A learner who passes takes no more attempts; learners see the answers only after passing or using
        every attempt, so raising the limit for someone who has already seen them gives away the answers. The
        best attempt counts. Every change is audited.
      </p>
      <ActionForm
        action={setCohortQuizPolicyAction}
        submitLabel="Save quiz policy"
        className={styles.inlineForm}
      >
        <input type="hidden" name="cohortId" value={cohortId} />
        <label>
          Attempts per quiz
          <input
            name="maxAttempts"
            type="number"
            min={1}
            max={20}
            defaultValue={current.maxAttempts}
            required
          />
        </label>
        <label>
          Cool-down (minutes)
          <input
            name="cooldownMinutes"
            type="number"
            min={0}
            max={10080}
            defaultValue={current.cooldownMinutes}
            required
          />
        </label>
      </ActionForm>
      {override && (
        <ActionForm
          action={setCohortQuizPolicyAction}
          submitLabel="Use the course default"
          submitClassName="button"
        >
          <input type="hidden" name="cohortId" value={cohortId} />
          <input type="hidden" name="reset" value="on" />
        </ActionForm>
      )}
    </section>
  )
}

'use server'

import { revalidatePath } from 'next/cache'
import { setCohortQuizPolicy } from '@/server/quizzes/set-cohort-quiz-policy'
import { requireRole } from '@/server/session/current-user'
import { asActionState, type ActionState } from './_lib/app-errors'

const text = (form: FormData, name: string) => {
  const value = form.get(name)
  return typeof value === 'string' ? value : ''
}

/** Sets the cohort's quiz attempt policy, or (with reset=on) goes back to the course default. */
export async function setCohortQuizPolicyAction(_state: ActionState, form: FormData): Promise<ActionState> {
  const actor = await requireRole('/instructor', ['instructor', 'admin'])
  const cohortId = text(form, 'cohortId')
  return asActionState(async () => {
    const reset = form.get('reset') === 'on'
    await setCohortQuizPolicy({
      actor,
      cohortId,
      policy: reset
        ? null
        : {
            maxAttempts: Number(text(form, 'maxAttempts')),
            cooldownMinutes: Number(text(form, 'cooldownMinutes')),
          },
    })
    revalidatePath(`/instructor/cohorts/${encodeURIComponent(cohortId)}/quizzes`)
    return {
      message: reset
        ? 'This cohort now uses the course default.'
        : 'Quiz attempt policy saved for this cohort.',
    }
  })
}
